/**
 * Test helper: V1Service values with MetalLB-relevant fields and defaults (LoadBalancer,
 * one IPv4 clusterIP, TCP/80, namespace `default`). Not used by production code.
 */
import type { V1Service } from '@kubernetes/client-node';
import { withAllocation } from '../allocator/assignment-ledger.ts';

/** Fields a test sets; everything else takes the defaults. */
export interface TestServiceSpec {
  readonly name?: string;
  readonly ns?: string;
  readonly type?: string;
  readonly clusterIPs?: readonly string[];
  readonly policy?: string;
  readonly families?: readonly string[];
  readonly ingress?: readonly string[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly lbIP?: string;
  readonly lbClass?: string;
  readonly etp?: 'Local' | 'Cluster';
  readonly selector?: Readonly<Record<string, string>>;
  readonly ports?: readonly { readonly port: number; readonly protocol?: string }[];
}

/** Builds a Service. */
export function testService(s: TestServiceSpec = {}): V1Service {
  const clusterIPs = [...(s.clusterIPs ?? ['10.96.0.10'])];
  return {
    metadata: { name: s.name ?? 'svc', namespace: s.ns ?? 'default', annotations: { ...s.annotations }, labels: { ...s.labels } },
    spec: {
      type: s.type ?? 'LoadBalancer',
      ...(clusterIPs[0] !== undefined ? { clusterIP: clusterIPs[0] } : {}),
      clusterIPs,
      ...(s.policy !== undefined ? { ipFamilyPolicy: s.policy } : {}),
      ...(s.families !== undefined ? { ipFamilies: [...s.families] } : {}),
      ...(s.lbIP !== undefined ? { loadBalancerIP: s.lbIP } : {}),
      ...(s.lbClass !== undefined ? { loadBalancerClass: s.lbClass } : {}),
      externalTrafficPolicy: s.etp ?? 'Cluster',
      selector: { ...(s.selector ?? { app: 'web' }) },
      ports: (s.ports ?? [{ port: 80 }]).map((p) => ({ ...p })),
    },
    status: { loadBalancer: { ingress: (s.ingress ?? []).map((ip) => ({ ip })) } },
  };
}

/** The Service as the shell would have written it after a decision (ingress + pool annotation). */
export function written(svc: V1Service, ingress: readonly string[], pool: string | null): V1Service {
  return withAllocation(svc, { ingress, pool });
}
