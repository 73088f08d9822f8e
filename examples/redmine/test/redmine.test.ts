import { appManifests } from "@homelab-kit/example-app-deploy";
import { describe, expect, it } from "vitest";
import { redmine } from "../src/redmine.js";

describe("Redmine's definition", () => {
  it("configures the official image for MySQL from the Secret, attachments on the volume", () => {
    const env = redmine.env({ secret: "redmine-db", host: "redmine.example.com" });
    expect(env.map((e) => [e.name, e.valueFrom?.secretKeyRef?.key ?? e.value])).toEqual([
      ["REDMINE_DB_MYSQL", "host"],
      ["REDMINE_DB_PORT", "port"],
      ["REDMINE_DB_DATABASE", "database"],
      ["REDMINE_DB_USERNAME", "username"],
      ["REDMINE_DB_PASSWORD", "password"],
      ["REDMINE_DB_ENCODING", "utf8mb4"],
      ["REDMINE_SECRET_KEY_BASE", "secret-key-base"],
    ]);
    expect(redmine.generatedKeys).toEqual(["secret-key-base"]);
    const [, , , deployment] = appManifests({
      app: redmine.app,
      namespace: redmine.app,
      host: "redmine.example.com",
      image: redmine.image,
      containerPort: redmine.containerPort,
      dataPath: redmine.dataPath,
      storage: redmine.storage,
      storageClass: "ceph-rbd",
      ingressClass: "nginx",
      clusterIssuer: "letsencrypt",
      readinessPath: redmine.readinessPath,
      secret: {},
      env,
    });
    expect(JSON.stringify(deployment)).toContain('"mountPath":"/usr/src/redmine/files"');
  });
});
