export { DEFAULT_TOPOLOGY_YAML } from "./default-topology.js";
export {
  defaultTopology,
  loadTopologyFile,
  parseTopology,
  parseTopologyYaml,
  TopologyError,
  type TopologyProblem,
} from "./load.js";
export { type HostSpec, type Topology, type TopologyInput, TopologySchema } from "./schema.js";
