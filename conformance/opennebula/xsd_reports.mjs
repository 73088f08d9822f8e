// Users and groups with quotas, admins and VLAN rules; the pool reports (accounting, showback,
// VM and host monitoring). Run by xsd.mjs on a fresh state.
export default function reports({ clock, call, keep }) {
  const alice = call("one.user.allocate", ["alice", "alice-pw", ""]);
  const devs = call("one.group.allocate", ["devs"]);
  keep("USER without quotas", "user.xsd", "one.user.info", [alice]);
  keep("GROUP without quotas or rules", "group.xsd", "one.group.info", [devs]);
  call("one.user.addgroup", [alice, devs]);
  call("one.group.addadmin", [devs, alice]);
  call("one.user.quota", [
    alice,
    'VM=[VMS="4", CPU="2.5", MEMORY="8192"]\nDATASTORE=[ID="1", IMAGES="2", SIZE="-2"]\nNETWORK=[ID="0", LEASES="3"]\nIMAGE=[ID="0", RVMS="2"]',
  ]);
  call("one.group.quota", [1, 'VM=[RUNNING_VMS="10"]']);
  call("one.group.update", [devs, 'DESCRIPTION="dev & <ops>"', 1]);
  call("one.group.vlan", [
    devs,
    'RULE=[ID="100-199,300", SCOPE="CLUSTER", VNTEMPLATE="0"]\nRULE=[ID="42", SCOPE="VNET"]',
  ]);
  call("one.user.enable", [alice, false]);
  call("one.user.chauth", [alice, "ldap", "uid=alice"]);
  call("one.user.enable", [alice, true]);
  call("one.user.chauth", [alice, "core", "alice-pw"]);
  call("one.image.chown", [0, alice, -1]);
  call("one.template.chown", [0, alice, -1]);
  call("one.vn.chmod", [0, -1, -1, -1, -1, -1, -1, 1, -1, -1]);
  const vm = call(
    "one.template.instantiate",
    [0, "alice-vm", false, 'CPU_COST="0.5"\nMEMORY_COST="0.01"', false],
    "alice:alice-pw",
  );
  call("one.vm.allocate", [
    'NAME="billed"\nCPU="1"\nMEMORY="256"\nDISK_COST="0.1"\nDISK=[TYPE="fs", SIZE="64"]',
    false,
  ]);
  keep("USER with quotas in use", "user.xsd", "one.user.info", [alice]);
  keep("USER_POOL with QUOTAS", "user_pool.xsd", "one.userpool.info", []);
  keep("GROUP with admins, quotas, template and VLAN rules", "group.xsd", "one.group.info", [devs]);
  keep("GROUP users with a group quota in use", "group.xsd", "one.group.info", [1]);
  keep("GROUP_POOL with QUOTAS and VLAN_RULES", "group_pool.xsd", "one.grouppool.info", []);
  keep("HISTORY_RECORDS empty (no VM placed yet)", "acct.xsd", "one.vmpool.accounting", [-2, -1, -1]);
  // Three days across a month end (the clock starts on 2025-07-30), with a live migration.
  clock.advance(20_000);
  const hid = Number(/<HID>(\d+)<\/HID>(?![\s\S]*<HID>)/.exec(call("one.vm.info", [vm]))[1]);
  call("one.vm.migrate", [vm, (hid + 1) % 3, true, false, -1, 0]);
  clock.advance(3 * 24 * 3600_000);
  keep(
    "MONITORING_DATA vmpool of a user, 5 minutes",
    "monitoring_data.xsd",
    "one.vmpool.monitoring",
    [-1, 300],
    "alice:alice-pw",
  );
  call("one.vm.action", ["poweroff", vm]);
  clock.advance(10_000);
  keep("HISTORY_RECORDS (acct.xsd) with migrations", "acct.xsd", "one.vmpool.accounting", [-2, -1, -1]);
  keep(
    "HISTORY_RECORDS of a regular user",
    "acct.xsd",
    "one.vmpool.accounting",
    [-3, -1, -1],
    "alice:alice-pw",
  );
  keep("SHOWBACK_RECORDS empty", "showback.xsd", "one.vmpool.showback", [-2, -1, -1, -1, -1]);
  call("one.vmpool.calculateshowback", [-1, -1, -1, -1]);
  keep("SHOWBACK_RECORDS over two months", "showback.xsd", "one.vmpool.showback", [-2, -1, -1, -1, -1]);
  keep("SHOWBACK_RECORDS of August", "showback.xsd", "one.vmpool.showback", [-2, 8, 2025, 8, 2025]);
  keep("MONITORING_DATA vmpool, all records", "monitoring_data.xsd", "one.vmpool.monitoring", [-2, -1]);
  keep("MONITORING_DATA vmpool, last record", "monitoring_data.xsd", "one.vmpool.monitoring", [-2, 0]);
  keep(
    "MONITORING_DATA hostpool of a user (none)",
    "monitoring_data.xsd",
    "one.hostpool.monitoring",
    [0],
    "alice:alice-pw",
  );
  // one.hostpool.monitoring's records are host.xsd MONITORING elements, not monitoring_data.xsd
  // ones: xsd.mjs validates one.host.monitoring's inside a HOST; these must be the very same records.
  const pool = call("one.hostpool.monitoring", [-1]).match(/<MONITORING>[\s\S]*?<\/MONITORING>/g) ?? [];
  const own = [0, 1, 2].flatMap(
    (h) => call("one.host.monitoring", [h]).match(/<MONITORING>[\s\S]*?<\/MONITORING>/g) ?? [],
  );
  if (pool.length === 0 || pool.join("") !== own.join("")) {
    throw new Error("one.hostpool.monitoring(-1) is not the hosts' one.host.monitoring records");
  }
}
