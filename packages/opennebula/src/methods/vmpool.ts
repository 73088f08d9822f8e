/** `one.vmpool.*` of release-7.4.0 (docs/reference/opennebula/API.md §7). */
import { Vm, VmSummary } from "../models/vm.js";
import type { RawXmlObject } from "../xml/parse.js";
import { filterFlag, range } from "./common.js";
import { asDocument, asPool, asString, bool, int, method, str } from "./define.js";
import type { PoolFilterFlag, VmStateFilterValue } from "./params.js";

const filter = filterFlag;
const state = int("state", { min: -2, max: 11 });

type PoolArgs = [
  filter: PoolFilterFlag,
  startId: number,
  endId: number,
  state: VmStateFilterValue,
  query?: string,
];

const fullPool = asPool("VM_POOL", "VM", Vm);
const shortPool = asPool("VM_POOL", "VM", VmSummary);

export const vmPoolMethods = {
  /**
   * The short VM bodies (vm_pool.xsd) of the filter, range and state. `query` (6.10+:
   * `KEY=VALUE&…`; 5.x: full-text) needs MySQL: SQLite backends answer INTERNAL (docs/reference/opennebula/ISSUES.md #4).
   */
  info: method<PoolArgs>()({
    name: "one.vmpool.info",
    params: [filter, ...range, state, str("json_query", { optional: true })],
    idempotent: true,
    long: true,
    decode: shortPool,
  }),
  /** Like `info`, with full VM bodies (vm.xsd; 5.8.1+). */
  infoextended: method<PoolArgs>()({
    name: "one.vmpool.infoextended",
    params: [filter, ...range, state, str("json_query", { optional: true })],
    idempotent: true,
    long: true,
    decode: fullPool,
  }),
  /** The VMs of a comma-separated ID list (`"1,2,3"`); full bodies when `extended`. */
  infoset: method<[ids: string, extended: boolean]>()({
    name: "one.vmpool.infoset",
    params: [str("ids"), bool("extended")],
    idempotent: true,
    long: true,
    since: "6.0",
    decode: (value, context): Vm[] | VmSummary[] =>
      context.args[1] === true ? fullPool(value, context) : shortPool(value, context),
  }),
  /** History records between two UNIX times (`-1` for no bound), as a raw XML object. */
  accounting: method<[filter: PoolFilterFlag, start: number, end: number]>()({
    name: "one.vmpool.accounting",
    params: [filter, int("time_start", { min: -1 }), int("time_end", { min: -1 })],
    idempotent: true,
    long: true,
    decode: (value, context): RawXmlObject => asDocument(value, context),
  }),
  /**
   * Monitoring records of the VMs the filter shows, raw: `seconds` 0 the last record of each VM,
   * -1 (oned's default) every record kept, n those of the last n seconds.
   */
  monitoring: method<[filter: PoolFilterFlag, seconds?: number]>()({
    name: "one.vmpool.monitoring",
    params: [filter, int("seconds", { optional: true, min: -1 })],
    idempotent: true,
    long: true,
    decode: (value, context): RawXmlObject => asDocument(value, context),
  }),
  /** Showback records between two months (`-1` for no bound), raw. */
  showback: method<
    [filter: PoolFilterFlag, startMonth: number, startYear: number, endMonth: number, endYear: number]
  >()({
    name: "one.vmpool.showback",
    params: [filter, int("start_month"), int("start_year"), int("end_month"), int("end_year")],
    idempotent: true,
    long: true,
    decode: (value, context): RawXmlObject => asDocument(value, context),
  }),
  /** Computes the monthly cost of each VM (primary group oneadmin only); oned answers `" "`. */
  calculateshowback: method<[startMonth: number, startYear: number, endMonth: number, endYear: number]>()({
    name: "one.vmpool.calculateshowback",
    params: [int("start_month"), int("start_year"), int("end_month"), int("end_year")],
    idempotent: false,
    long: true,
    decode: asString,
  }),
};
