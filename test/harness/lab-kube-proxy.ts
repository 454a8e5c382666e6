/**
 * kube-proxy's footprint on a lab node, for layer-2 tests: the Service VIPs held by the node's
 * kernel but not on its LAN interface, with strict ARP (arp_ignore=1, arp_announce=2), so the
 * kernel accepts traffic to a VIP but never answers ARP/NDP for it; and a tiny TCP server that
 * says which node answered. kube-proxy (IPVS) uses a dummy `kube-ipvs0`; the lab's kernel has no
 * dummy driver, so the VIPs go on `lo`, which is the same thing for ARP/NDP (the LVS-DR setup):
 * with arp_ignore=1 the kernel answers only for addresses on the receiving interface, and NDP
 * only ever answers for the receiving interface's addresses.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import type { HostRole, Lab } from './lab.ts';
import { runOk } from './netns.ts';

const SERVER_OPTS = { reject: false } as const;

/** Puts `vips` on lo in `role`'s namespace with strict ARP. */
export async function addKubeProxyVips(lab: Lab, role: HostRole, vips: readonly string[]): Promise<void> {
  const ns = lab.ns(role);
  await runOk('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w',
    'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2',
    'net.ipv4.conf.eth0.arp_ignore=1', 'net.ipv4.conf.eth0.arp_announce=2']);
  const lines = vips.map((v) => (v.includes(':') ? `addr add ${v}/128 dev lo nodad` : `addr add ${v}/32 dev lo`));
  await runOk('ip', ['-n', ns, '-batch', '-'], { input: lines.join('\n') + '\n' });
}

/**
 * A server on port `port` (all addresses) in `role`'s namespace that says which node answered:
 * over plain TCP it writes `role` and closes; with `http` it answers every HTTP request with
 * 200 and the body `role` (what a Service's pods would serve).
 */
export async function startWhoAmIServer(lab: Lab, role: HostRole, port: number, o: { readonly http?: boolean } = {}): Promise<{ stop(): Promise<void> }> {
  const name = JSON.stringify(role);
  // The lab's prefix on the command line: what a leftover check (and the lab's cleanup) can find it by.
  const script = `/*${lab.prefix}*/` + (o.http === true
    ? `const s=require('node:http').createServer((q,r)=>{r.setHeader('content-type','text/plain');r.end(${name}+'\\n');});`
    : `const s=require('node:net').createServer((c)=>c.end(${name}));`) +
    `s.listen(${port},'::',()=>console.log('listening'));`;
  const child = execa('ip', ['netns', 'exec', lab.ns(role), process.execPath, '-e', script], SERVER_OPTS);
  const lines = createInterface({ input: child.stdout });
  const [line] = (await Promise.race([once(lines, 'line'), child.then(() => [undefined])])) as [string | undefined];
  lines.close();
  if (line !== 'listening') throw new Error(`who-am-i server in ${role} did not start: ${(await child).stderr}`);
  // Not `return child`: an execa subprocess is a thenable, and an async function would wait for it to exit.
  return { stop: async () => void (child.kill('SIGKILL'), await child) };
}

/** Connects from `role` to `ip:port` over TCP and returns what the server wrote ('' on failure, 5 s cap). */
export async function tcpWhoAmI(lab: Lab, role: HostRole, ip: string, port: number): Promise<string> {
  const script = `const c=require('node:net').connect(${port},${JSON.stringify(ip)});let d='';` +
    `c.on('data',(b)=>d+=b);c.on('end',()=>{process.stdout.write(d);process.exit(0)});` +
    `c.on('error',(e)=>{console.error(e.message);process.exit(1)});setTimeout(()=>process.exit(2),4000);`;
  const r = await lab.exec(role, process.execPath, ['-e', script], { timeoutMs: 5_000 });
  return r.exitCode === 0 ? r.stdout : '';
}

/** An HTTP GET from `role`'s namespace (5 s cap): status and body, or undefined when nothing answered. */
export async function httpGet(lab: Lab, role: HostRole, url: string): Promise<{ status: number; body: string } | undefined> {
  const script = `fetch(${JSON.stringify(url)},{signal:AbortSignal.timeout(4000)}).then(async(r)=>` +
    `process.stdout.write(JSON.stringify({status:r.status,body:await r.text()})),(e)=>{console.error(String(e));process.exit(1)});`;
  const r = await lab.exec(role, process.execPath, ['-e', script], { timeoutMs: 5_000 });
  return r.exitCode === 0 ? (JSON.parse(r.stdout) as { status: number; body: string }) : undefined;
}
