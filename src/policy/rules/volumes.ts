/** Named service volumes (`services[].volumes`) and where they cannot work as written. */
import { sharedByReplicas } from "../../spec/volumes.js";
import type { PolicyRule } from "../types.js";
import { renderedServices, serviceLabel, servicePath } from "../util.js";

export const volumeSharedByReplicas = {
  id: "CODE-REL-011",
  severity: "warning",
  category: "reliability",
  title: "Volume shared by several replicas on Kubernetes",
  description:
    "Every replica mounts the same claim, which then asks for ReadWriteMany: most default storage classes (EBS, Persistent Disk, Azure Disk, local-path) offer only ReadWriteOnce, and the claim stays Pending.",
  *check({ spec }) {
    if (spec.target !== "kubernetes") return;
    for (const [service, i] of renderedServices(spec)) {
      if ((service.volumes ?? []).length === 0 || !sharedByReplicas(service)) continue;
      yield {
        path: servicePath(i, "volumes"),
        message: `${serviceLabel(service)} mounts volumes into more than one replica: its claims need ReadWriteMany`,
        hint: "make sure the cluster's default storage class offers ReadWriteMany (NFS, EFS CSI, Azure Files, Filestore CSI), or run one replica",
      };
    }
  },
} satisfies PolicyRule;
