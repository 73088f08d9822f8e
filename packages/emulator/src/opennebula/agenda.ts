/**
 * The time-ordered agenda of pending VM transitions: a binary min-heap of (time, sequence, VM).
 * Entries are never removed when a VM's plan changes; a popped entry whose time no longer matches
 * the VM's next due time is stale and skipped. So scheduling is O(log n) and `sync` touches only
 * what is due, even with tens of thousands of VMs.
 */
import type { OneVm } from "./state.js";

export interface AgendaEntry {
  at: number;
  seq: number;
  vm: OneVm;
}

export interface Agenda {
  heap: AgendaEntry[];
  seq: number;
}

export function createAgenda(): Agenda {
  return { heap: [], seq: 0 };
}

function less(a: AgendaEntry, b: AgendaEntry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export function agendaPush(agenda: Agenda, at: number, vm: OneVm): void {
  const h = agenda.heap;
  const entry = { at, seq: agenda.seq++, vm };
  h.push(entry);
  let i = h.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!less(entry, h[parent]!)) break;
    h[i] = h[parent]!;
    i = parent;
  }
  h[i] = entry;
}

export function agendaPeek(agenda: Agenda): AgendaEntry | undefined {
  return agenda.heap[0];
}

export function agendaPop(agenda: Agenda): AgendaEntry | undefined {
  const h = agenda.heap;
  const top = h[0];
  const last = h.pop();
  if (top === undefined || last === undefined || h.length === 0) return top;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= h.length) break;
    const r = l + 1;
    const c = r < h.length && less(h[r]!, h[l]!) ? r : l;
    if (!less(h[c]!, last)) break;
    h[i] = h[c]!;
    i = c;
  }
  h[i] = last;
  return top;
}
