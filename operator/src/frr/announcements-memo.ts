/**
 * One node's {@link announcementsFor}, kept across calls. A Service whose facts are the very
 * object of the last call is not decided again (ServiceFactsMemo keeps unchanged Services'
 * objects); one decided again whose outcome equals the last keeps the old outcome. When no
 * outcome changed and no Service came or went, the previous result object itself is returned, so
 * the caller can tell by identity that the node's announcements are what they were. A different
 * Config object or different node facts start afresh. Same output as announcementsFor. Pure.
 *
 * It also holds the node's {@link PrefixClassMemo}, which is valid under the same Config and node
 * facts and so is dropped together with the decisions.
 */
import type { Config } from '../config/types.ts';
import {
  nodeAnnouncementsOf, nodeContextFor, serviceOutcomeFor,
  type Announcement, type NodeAnnouncements, type NodeFacts, type ServiceFacts, type SkipReason,
} from './announcements.ts';
import { PrefixClassMemo } from './prefix-classes.ts';

/** One Service's outcome. */
interface Decided {
  readonly got: readonly Announcement[] | SkipReason;
}

const sameList = <T>(a: readonly T[], b: readonly T[], eq: (x: T, y: T) => boolean): boolean => a.length === b.length && a.every((x, i) => eq(x, b[i] as T));

/** Two announcements say the same (communities compared by text). */
function sameAnnouncement(a: Announcement, b: Announcement): boolean {
  return a.service === b.service && a.prefix.text === b.prefix.text && a.localPref === b.localPref && a.asPathPrepend === b.asPathPrepend
    && sameList(a.communities, b.communities, (x, y) => x.text === y.text) && sameList(a.peers, b.peers, (x, y) => x === y);
}

/** Two outcomes say the same. */
function sameOutcome(a: Decided['got'], b: Decided['got']): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return sameList(a, b, sameAnnouncement);
}

/** See the module comment. */
export class NodeAnnouncementsMemo {
  #config: Config | undefined;
  #nodeKey = '';
  /** The Services of the last call (sorted by key) and their outcomes, index by index. */
  #services: readonly ServiceFacts[] = [];
  #outcomes: Decided['got'][] = [];
  #last: NodeAnnouncements | undefined;
  #classes = new PrefixClassMemo();

  /** The view model's per-prefix memo for the Config and node of the last call. */
  get classes(): PrefixClassMemo {
    return this.#classes;
  }

  /**
   * announcementsFor(config, node, services) for `services` sorted by key (as PlanSnapshot
   * holds them); the previous result object when nothing changed.
   */
  announcementsFor(config: Config, node: NodeFacts, services: readonly ServiceFacts[]): NodeAnnouncements {
    const nodeKey = JSON.stringify(node);
    if (config !== this.#config || nodeKey !== this.#nodeKey) {
      this.#config = config;
      this.#nodeKey = nodeKey;
      this.#services = [];
      this.#outcomes = [];
      this.#last = undefined;
      this.#classes = new PrefixClassMemo();
    }
    if (this.#last !== undefined && services === this.#services) return this.#last;
    const ctx = nodeContextFor(config, node);
    const before = this.#services;
    const outcomes: Decided['got'][] = [];
    let changed = this.#last === undefined || before.length !== services.length;
    // Both lists are sorted by key: walk them side by side; an unchanged Service is the same object.
    let j = 0;
    for (const svc of services) {
      if (before[j] === svc) {
        outcomes.push(this.#outcomes[j++] as Decided['got']);
        continue;
      }
      while (j < before.length && (before[j] as ServiceFacts).key < svc.key) j++;
      const old = j < before.length && (before[j] as ServiceFacts).key === svc.key ? this.#outcomes[j] : undefined;
      if (old !== undefined && before[j] === svc) {
        outcomes.push(old);
        j++;
        continue;
      }
      const got = serviceOutcomeFor(config, node, ctx, svc);
      const same = old !== undefined && sameOutcome(old, got);
      outcomes.push(same ? old : got);
      changed ||= !same;
    }
    this.#services = services;
    this.#outcomes = outcomes;
    if (!changed && this.#last !== undefined) return this.#last;
    this.#last = nodeAnnouncementsOf(services.map((s, i) => [s.key, outcomes[i] as Decided['got']] as const));
    return this.#last;
  }
}
