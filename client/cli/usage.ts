/** Wrong words on the command line: exit 2 with the usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `ordo — durable order orchestration on Temporal

Usage:
  ordo stack up [--detach]          start the local stack: Temporal dev server + Web UI, simulators, a worker
  ordo stack down                   stop what \`stack up --detach\` started
  ordo stack status [--json]        what is running
  ordo submit ORDER.json [--wait] [--json]
                                    validate and start an order; --wait returns when it is done
  ordo status ORDER [--json]        the Order Summary
  ordo plan ORDER [--json]          the plan, swimlane by swimlane, with every step's state
  ordo decompose --catalog FILE... ORDER.json [--availability FILE] [--json]
                                    the plan without a server
  ordo lint FILE... [--json]        check a catalog before go-live

Options:
  --config FILE    another temporal-config.yaml (or set ORDO_CONFIG)
  --json           machine-readable output
  -h, --help       this text

Exit codes: 0 success, 1 refused or failed (the message says why), 2 usage error.`;
