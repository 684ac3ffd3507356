/** Wrong words on the command line: exit 2 with the usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `ordo — durable order orchestration on Temporal

Usage:
  ordo stack up [--detach] [--persistence sqlite|postgres]
                                    start the local stack: Temporal dev server + Web UI, simulators, a worker;
                                    --persistence postgres: the real Temporal server on PostgreSQL instead
  ordo stack down                   stop what \`stack up --detach\` started
  ordo stack status [--json]        what is running
  ordo submit ORDER.json [--wait] [--json]
                                    validate and start an order; --wait returns when it is done
  ordo status ORDER [--json]        the Order Summary
  ordo plan ORDER [--json]          the plan, swimlane by swimlane, with every step's state
  ordo decompose --catalog FILE... ORDER.json [--availability FILE] [--json]
                                    the plan without a server (splits over the configured
                                    decomposition.maxStepsPerFulfillmentOrder come out in parts)
  ordo lint FILE... [--json]        check a catalog before go-live

Operators (manual tasks, fallout, pause steps):
  ordo tasks [--queue Q] [--actor A] [--order ORDER] [--json]
                                    open manual tasks; --actor: those A may act on
  ordo complete ORDER STEP --actor A [--output JSON]
                                    finish a manual task
  ordo fallout [--queue Q] [--order ORDER] [--json]
                                    steps in fallout, with why they failed
  ordo fallout retry|skip|complete ORDER STEP --actor A [--output JSON] [--note TEXT]
                                    resolve one step in fallout (ORDER may be a channel sync's id,
                                    sync-new-order-SO-12, as the list shows it)
  ordo fallout retry|skip|complete --all --queue Q --actor A [--output JSON] [--note TEXT]
                                    resolve every step in fallout in a queue
  ordo resume ORDER NAME [--actor A]
                                    resume the order's pause steps waiting for the signal NAME
  ordo update ORDER (--line-item ID | --order-item ID) --set key=value [--set ...] [--actor A]
                                    new attribute values (true/false and numbers are typed)
  STEP is a step id (router-delivery.approve, service-activation.configure[CONFIGURE-SERVICE:OI-3]),
  FO-ID/step-id, or a short form naming one step of the order: workspace.step or step (approve).

Changes (before the point of no return; after it, submit a change order):
  ordo cancel ORDER --reason TEXT [--actor A] [--signal] [--json]
                                    cancel the order: waiting steps stop, completed ones are compensated,
                                    nothing is billed; refused with ChangeOrderRequired past PONR
  ordo approve ORDER [--refuse --reason TEXT] [--actor A] [--json]
                                    approve (or refuse: rejected) an order waiting pending for the approval
                                    its catalog asks for (a product's approval: { queue }); queue members only
  ordo amend ORDER CHANGES.json [--json]
                                    order actions before PONR: {"actor", "actions": [{"type": "Add", "item"},
                                    {"type": "Amend", "itemId", "quantity"?, "attributes"?, "deliveryGroupId"?, …},
                                    {"type": "Cancel", "itemId"}, {"type": "ChangeDeliveryAddress", "deliveryGroupId",
                                    "address": {"line1", "city", "country", …}}]}
  ordo change-order submit CHANGE.json [--wait] [--json]
                                    a change order ("changeOf": ORDER): returns, cancellations of items,
                                    quantity changes; bills its delta (credit memo and/or invoice)

Commerce channels (the B2B storefront and CPQ, kept in sync by Ordo):
  ordo checkout CART.json [--sync] [--wait] [--json]
                                    check a cart (refused here, naming the field, before anything is sent),
                                    check it out on the storefront and print its order; --sync starts its
                                    new order sync now; --wait waits for the sync and the Ordo order, then
                                    prints the twins. Running it again finds the order it placed.
  ordo reorder ORDER [--payment-token T | --po REF] [--buyer EMAIL] [--sync] [--wait] [--json]
                                    buy a storefront order's items again: a new cart, checked out
  ordo sync-log [--order ID] [--process NewOrderSync|ReorderSync] [--json]
                                    every sync step, oldest first; --order takes any id of the sale
  ordo twins ID [--json]            one sale in every system: storefront order, CPQ opportunity, quote
                                    and order, Ordo order, invoices (ID: any of the three orders)

Billing records and usage (the billing system, systems.billing in temporal-config.yaml):
  ordo invoices [--account A] [--json]
                                    invoices and credit memos with their status (Posted, Paid)
  ordo payments [--account A] [--json]
                                    payments with their status (Authorized, Settled, Failed, Refunded)
  ordo ledger --account A [--currency C] [--json]
                                    the account's ledger, oldest entry first, and its balance:
                                    invoiced − credited − paid (refunds added back), to the cent
  ordo ledger --account A [--currency C] --export csv|json [--out FILE]
                                    the ERP export: every ledger entry with its document's details
                                    (docs/billing.md "ERP export"); to stdout, or written to FILE
  ordo usage post FILE.json [--json]
                                    send usage records (one, a list, or { records }) to billing, checked
                                    here first; a record id billing already has is counted once
  ordo usage list --account A [--item ID] [--json]
                                    the account's usage records as billing received them

Subscriptions (billing over time, docs/billing.md "Subscriptions"):
  ordo subscriptions [--account A] [--json]
                                    every subscription (of one account): state and next bill date
  ordo subscription ORDER|SUB-ID [--json]
                                    one subscription: its items, next bill date and the documents it issued
  ordo renew ORDER [--effective YYYY-MM-DD] [--actor NAME] [--json]
                                    the renewal order now; --effective: an early renewal, the rest of the
                                    term credited from that day and the new term starting then
  ordo bill-now ORDER [--as-of YYYY-MM-DD] [--json]
                                    bill the order's subscription now for everything due by the date
                                    (default today); a later invoice run bills none of it again

Payments and collections (docs/billing.md "Payments"):
  ordo collections [--account A] [--json]
                                    invoices whose dunning retries were all declined, oldest first
  ordo collections retry|paid|write-off INVOICE [--reference R] [--reason T] [--actor NAME]
                                    an operator's action: one more attempt, a payment received by
                                    reference (paid needs --reference), or a write-off (needs --reason)
  ordo payment-method set --account A (--token T | --po REF) [--no-auto-pay]
                                    the account's card token (from the hosted payment page; never a
                                    card number) charged by the payment scheduler, or a purchase order
  ordo payment-method show --account A [--json]
                                    how the account pays: the card's last four, or the purchase order

Schedulers (Temporal Schedules, docs/billing.md "Schedulers"):
  ordo schedules [--json]           the invoice and payment schedulers: what they start, when, paused or
                                    not, their next runs and recent runs with what each billed
  ordo schedules pause|unpause|trigger NAME [--reason TEXT]
                                    NAME: invoice or payment; trigger starts a run now (none while one runs)

Simulation (docs/billing.md "A year in seconds"):
  ordo simulate --months N ORDER.json [--usage FILE.json] [--json]
                                    run the order and its billing for N months of workflow time on
                                    Temporal's time-skipping test server (needs Java), with private
                                    simulators and worker: month by month, what was invoiced, paid or
                                    declined, and the balance; --json: { invoices, payments, ledger }.
                                    --usage: usage records, each posted on its date

Console (docs/console.md):
  ordo console [--port P]           the operations console (stack.consolePort, 8090): live plans, task and
                                    incident desks, dashboards; operators sign in, and act as themselves
  ordo console accounts add NAME [--password-stdin]
                                    a local account (console.accounts, scrypt hash, 0600); without
                                    --password-stdin a strong password is generated and printed once
  ordo console accounts list [--json]
                                    the local accounts' names (never their hashes)

Order API (docs/api.md):
  ordo api [--port P]               the TMF622 order API (stack.apiPort, 8091): productOrder,
                                    cancelProductOrder, hub (events); X-API-Key from api.keys
  ordo api key-hash                 the sha256 of the key on standard input, for api.keys[].keyHash

Security (docs/security.md):
  (keys: encrypted histories; operators and codec-server: who is acting; audit: the order's trail)
  ordo keys rotate [--json]         add a new random key to the keyring (encryption.keyring; created when
                                    missing) and make it current; older keys stay to read older histories.
                                    Prints the key id, never the key
  ordo keys list [--json]           the keyring's key ids, which is current, when each was made
  ordo audit ORDER [--json]         the order's audit trail, oldest first: every operator action, refused
                                    message, fallout, change order, sync and billing document, with who,
                                    when and the outcome, read from Temporal and billing; --json: a
                                    hash-chained export { orderId, generatedAt, entries, chain }
  ordo audit verify FILE.json       recompute an export's hash chain; exit 1 naming the first entry
                                    that does not match
  ordo operators init [NAME…] [--json]
                                    creates an Ed25519 key pair (<operators.keys>/NAME.key 0600, NAME.pub) for each
                                    NAME, or for every queue member and runAs identity without one
  ordo operators list [--json]      who has a public key (never key material)
  ordo codec-server [--port P]      the Web UI's codec endpoint (POST /decode, /encode), for signed-in operators only
  ordo codec-server token [--link]  a short-lived token (or sign-in link) signed with your operator key
  Acting verbs (complete, fallout, resume, update) sign with your credential: ORDO_OPERATOR_KEY=FILE, or
  --actor NAME for <operators.keys>/NAME.key. You can act only as someone whose private key you can read.

Options:
  --config FILE    another temporal-config.yaml (or set ORDO_CONFIG)
  --json           machine-readable output
  -h, --help       this text

Exit codes: 0 success, 1 refused or failed (the message says why), 2 usage error.`;
