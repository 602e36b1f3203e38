/**
 * `hostPort` rules: a fixed host port is for a public web or worker service,
 * its replicas take hostPort, hostPort+1, ... (one each) and those ranges may
 * not overlap within an app, where two services would fight over a port.
 */

interface HostPortService {
  readonly name: string;
  readonly kind: string;
  readonly public: boolean;
  readonly replicas: number;
  readonly hostPort?: number | undefined;
}

export interface HostPortIssue {
  readonly index: number;
  readonly message: string;
}

/** The problems with the services' host ports, each at the service's index (empty when none). */
export function hostPortIssues(services: readonly HostPortService[]): HostPortIssue[] {
  const issues: HostPortIssue[] = [];
  const taken: { name: string; from: number; to: number }[] = [];
  services.forEach((s, index) => {
    if (s.hostPort === undefined) return;
    if (s.kind === "cron" || !s.public) {
      issues.push({
        index,
        message: `only a public web service publishes a host port: set public: true or remove hostPort`,
      });
      return;
    }
    const from = s.hostPort;
    const to = from + Math.max(1, s.replicas) - 1;
    if (to > 65535) {
      issues.push({
        index,
        message: `${s.replicas} replicas take ports ${from}-${to}, past 65535: lower hostPort`,
      });
      return;
    }
    const clash = taken.find((t) => from <= t.to && t.from <= to);
    if (clash) {
      const range = (a: number, b: number) => (a === b ? `${a}` : `${a}-${b}`);
      issues.push({
        index,
        message: `host port ${range(from, to)} overlaps ${range(clash.from, clash.to)} of service ${clash.name} (one port per replica): give each service its own range`,
      });
      return;
    }
    taken.push({ name: s.name, from, to });
  });
  return issues;
}
