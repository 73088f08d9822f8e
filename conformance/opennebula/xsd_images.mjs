// Images, VM templates and datastores in the shapes their own methods leave them: locked templates
// and images, clones (CLONING_ID / CLONES), image snapshots (CHILDREN, ACTIVE, TARGET_SNAPSHOT),
// a restored backup (images and a VM template), datastores updated, chowned and disabled.
// Run by xsd.mjs on a fresh state.
export default function images({ clock, call, keep }) {
  const bob = call("one.user.allocate", ["bob", "bob-pw", ""]);
  // templates: chown and a lock
  call("one.template.chown", [0, bob, 1]);
  call("one.template.lock", [0, 2, false]);
  keep("VMTEMPLATE locked, chowned", "vmtemplate.xsd", "one.template.info", [0]);
  keep(
    "VMTEMPLATE_POOL with a locked template",
    "vmtemplate_pool.xsd",
    "one.templatepool.info",
    [-2, -1, -1],
  );
  call("one.template.unlock", [0]);
  keep("VMTEMPLATE unlocked", "vmtemplate.xsd", "one.template.info", [0]);

  // images: lock, chtype, clone (source USED with CLONES, clone LOCKED with CLONING_ID)
  call("one.image.lock", [0, 1, false]);
  keep("IMAGE locked", "image.xsd", "one.image.info", [0]);
  call("one.image.unlock", [0]);
  const clone = call("one.image.clone", [0, "ubuntu & <copy>", -1]);
  keep("IMAGE being cloned from (CLONES)", "image.xsd", "one.image.info", [0]);
  keep("IMAGE clone in LOCKED (CLONING_ID)", "image.xsd", "one.image.info", [clone]);
  keep("IMAGE_POOL during a clone", "image_pool.xsd", "one.imagepool.info", [-2, -1, -1]);
  clock.advance(5_000);
  call("one.image.chtype", [clone, "DATABLOCK"]);
  call("one.image.chown", [clone, bob, 1]);
  keep("IMAGE clone READY, chowned, DATABLOCK", "image.xsd", "one.image.info", [clone]);

  // image snapshots: a persistent image keeps its VM disk's snapshots
  const pers = call("one.image.allocate", [
    'NAME="pdata"\nTYPE="DATABLOCK"\nSIZE="256"\nPERSISTENT="YES"',
    1,
    false,
  ]);
  clock.advance(5_000);
  const vm = call("one.vm.allocate", [
    `NAME="snap"\nCPU="1"\nMEMORY="128"\nDISK=[IMAGE_ID="${pers}"]`,
    false,
  ]);
  clock.advance(20_000);
  call("one.vm.disksnapshotcreate", [vm, 0, "first"]);
  clock.advance(2_000);
  call("one.vm.disksnapshotcreate", [vm, 0, "second & <more>"]);
  clock.advance(2_000);
  keep("IMAGE USED_PERS with its VM disk's snapshots", "image.xsd", "one.image.info", [pers]);
  call("one.vm.action", ["terminate", vm]);
  clock.advance(20_000);
  keep("IMAGE with SNAPSHOTS (CHILDREN, ACTIVE)", "image.xsd", "one.image.info", [pers]);
  call("one.image.snapshotrevert", [pers, 0]);
  keep("IMAGE LOCKED reverting (TARGET_SNAPSHOT)", "image.xsd", "one.image.info", [pers]);
  clock.advance(5_000);
  call("one.image.snapshotdelete", [pers, 1]);
  clock.advance(5_000);
  keep("IMAGE with one snapshot left", "image.xsd", "one.image.info", [pers]);
  call("one.image.snapshotflatten", [pers, 0]);
  clock.advance(5_000);
  keep("IMAGE flattened", "image.xsd", "one.image.info", [pers]);

  // restore: the BACKUP image one.vm.backup makes of a running VM
  const web = call("one.template.instantiate", [0, "web", false, "", false]);
  clock.advance(20_000);
  const backups = call("one.datastore.allocate", [
    'NAME="backups"\nTYPE="BACKUP_DS"\nDS_MAD="restic"\nTM_MAD="-"',
    -1,
  ]);
  call("one.vm.backup", [web, backups, false]);
  clock.advance(5_000);
  const bid = Number(/<BACKUP_IDS><ID>(\d+)<\/ID>/.exec(call("one.vm.info", [web]))[1]);
  const [tid, iid] = String(call("one.image.restore", [bid, 1, 'NAME="restored"']))
    .split(" ")
    .map(Number);
  keep("IMAGE restored from a backup, LOCKED", "image.xsd", "one.image.info", [iid]);
  keep("VMTEMPLATE restored from a backup", "vmtemplate.xsd", "one.template.info", [tid]);
  clock.advance(5_000);
  keep("IMAGE_POOL with a backup and a restored image", "image_pool.xsd", "one.imagepool.info", [-2, -1, -1]);

  // datastores: update (replace), rename, chown, chmod, disable
  call("one.datastore.update", [1, 'POOL_NAME="rbd"\nBRIDGE_LIST="node01 node02"\nNOTE="a ]]> b"', 0]);
  call("one.datastore.rename", [1, "rbd & <images>"]);
  call("one.datastore.chown", [1, bob, 1]);
  call("one.datastore.chmod", [1, -1, -1, -1, 1, 1, -1, 1, -1, -1]);
  keep("DATASTORE updated, renamed, chowned", "datastore.xsd", "one.datastore.info", [1]);
  call("one.datastore.enable", [0, false]);
  call("one.datastore.update", [0, 'TYPE="IMAGE_DS"\nSHARED="YES"', 1]);
  keep("DATASTORE system, disabled", "datastore.xsd", "one.datastore.info", [0]);
  keep("DATASTORE_POOL after updates", "datastore_pool.xsd", "one.datastorepool.info", []);
}
