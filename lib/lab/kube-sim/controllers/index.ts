/** Starts every simulated controller and admission plugin on a simulator context. */
import type { SimContext } from '../context.ts';
import { crdAdmission, startCrdController } from './crds.ts';
import { startEndpointsController } from './endpoints.ts';
import { startMetallbController } from './metallb.ts';
import { startNodeController } from './nodes.ts';
import { serviceAdmission } from './services.ts';
import { startWorkloadControllers } from './workloads.ts';

export function startControllers(ctx: SimContext): void {
  ctx.admission.push(crdAdmission, serviceAdmission);
  startCrdController(ctx);
  startWorkloadControllers(ctx);
  startEndpointsController(ctx);
  startMetallbController(ctx);
  startNodeController(ctx);
}
