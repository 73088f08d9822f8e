/** `one.system.version` and `one.system.config` (a small OPENNEBULA_CONFIGURATION, oned.conf defaults). */
import type { MethodDef } from "./context.js";

export const systemMethods: Record<string, MethodDef> = {
  "one.system.version": { params: [], run: (ctx) => ctx.state.version },
  "one.system.config": {
    params: [],
    run: (ctx) =>
      `<OPENNEBULA_CONFIGURATION><ACTION_TIMEOUT>300</ACTION_TIMEOUT><API_LIST_ORDER><![CDATA[${ctx.state.listOrder}]]></API_LIST_ORDER><DEFAULT_DEVICE_PREFIX><![CDATA[hd]]></DEFAULT_DEVICE_PREFIX><DEFAULT_IMAGE_TYPE><![CDATA[OS]]></DEFAULT_IMAGE_TYPE><DEFAULT_UMASK><![CDATA[177]]></DEFAULT_UMASK><KEEPALIVE_MAX_CONN>30</KEEPALIVE_MAX_CONN><KEEPALIVE_TIMEOUT>15</KEEPALIVE_TIMEOUT><LISTEN_ADDRESS><![CDATA[0.0.0.0]]></LISTEN_ADDRESS><MAC_PREFIX><![CDATA[02:00]]></MAC_PREFIX><MAX_CONN>15</MAX_CONN><MAX_CONN_BACKLOG>15</MAX_CONN_BACKLOG><MESSAGE_SIZE>1073741824</MESSAGE_SIZE><NETWORK_SIZE>254</NETWORK_SIZE><PORT>2633</PORT><RPC_LOG><![CDATA[NO]]></RPC_LOG></OPENNEBULA_CONFIGURATION>`,
  },
};
