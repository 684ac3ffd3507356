import type { WorkflowDefinitionOptions } from '@temporalio/common';
import { workflowInfo } from '@temporalio/workflow';

/**
 * Worker Versioning behaviour for workflows that outlive any one deployment (account work, queue rotation):
 * auto-upgrade to the current build, relying on patched() for compatibility. Asked once per run, before the
 * workflow function starts: a worker without a deployment version must not name a behaviour, or it fails the
 * workflow task, so they then say nothing (docs/deploying.md).
 */
export function autoUpgradeWhenVersioned(): WorkflowDefinitionOptions {
  return workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: 'AUTO_UPGRADE' } : {};
}
