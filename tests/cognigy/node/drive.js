// Drives the official Cognigy REST client, unmodified, against a served fake.
// Usage: node drive.js <baseUrl> <apiKey> <projectId>; prints one JSON object of results.
"use strict";
const { RestAPIClient } = require("@cognigy/rest-api-client");

async function main() {
  const [baseUrl, apiKey, projectId] = process.argv.slice(2);
  const client = new RestAPIClient({ baseUrl, maxRetries: 0 });
  client.setCredentials({ type: "ApiKey", apiKey });
  const out = {};
  const created = await client.createProfile({
    projectId,
    active: true,
    contactIds: ["ann@example.com"],
    profile: { firstname: "Ann", lastname: "Lee", accepted_gdpr: true, tasks: ["buyer"] },
  });
  out.created = created;
  out.read = await client.readProfile({ profileId: created._id });
  await client.updateProfile({ profileId: created._id, profile: { lastname: "Li" }, active: false });
  out.updated = await client.readProfile({ profileId: created._id });
  const other = await client.createProfile({
    projectId,
    contactIds: ["bob@example.com"],
    profile: { firstname: "Bob", email: "bob@example.com" },
  });
  out.index = await client.indexProfiles({ projectId, limit: 10, sort: { _id: "asc" } });
  out.filtered = await client.indexProfiles({ projectId, filter: "bob" });
  out.merged = await client.mergeProfiles({
    profileId: created._id,
    contactId: "bob@example.com",
    projectId,
  });
  out.otherAfterMerge = await errorOf(() => client.readProfile({ profileId: other._id }));
  out.unmerged = await client.unmergeProfiles({ profileId: created._id, contactId: "bob@example.com" });
  out.afterUnmerge = await client.readProfile({ profileId: created._id });
  await client.deleteProfile({ profileId: created._id });
  out.missing = await errorOf(() => client.readProfile({ profileId: created._id }));
  out.conflict = await errorOf(() =>
    client.createProfile({ projectId, contactIds: ["bob@example.com"], profile: {} })
  );
  process.stdout.write(JSON.stringify(out));
}

async function errorOf(call) {
  try {
    await call();
    return null;
  } catch (error) {
    return { name: error.name, code: error.code, status: error.httpStatusCode, message: error.message };
  }
}

main().catch((error) => {
  process.stderr.write(`${error.name}: ${error.message} ${JSON.stringify(error.details || {})}\n`);
  process.exit(1);
});
