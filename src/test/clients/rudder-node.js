// Sends what a backend sends with @rudderstack/rudder-sdk-node and its default settings (gzip bodies to /v1/batch,
// originalTimestamp and sentAt rather than timestamp): node rudder-node.js <stageflow url> <server write key> <user id>
const Analytics = require('@rudderstack/rudder-sdk-node');

const [url, writeKey, userId] = process.argv.slice(2);
const client = new Analytics(writeKey, { dataPlaneUrl: url });
// Shown so the test can tell the defaults were kept: gzip bodies to /v1/batch.
console.log(`rudder-node: gzip ${client.gzip}, path ${client.path}`);

client.identify({ userId, traits: { email: `${userId}@example.com`, firstName: 'Rudder' } });
client.group({ userId, groupId: `rudder-group-${userId}`, traits: { name: 'Rudder Co' } });
client.track({
  userId,
  event: 'Product Added',
  messageId: `rudder-node-added-${userId}`,
  properties: { product_id: 'p-9', sku: 'SKU-9', price: 9.99, quantity: 1 },
});

client.flush((error) => {
  if (error) {
    console.error('rudder-node: failed', error.message || error);
    process.exit(1);
  }
  console.log('rudder-node: sent');
  process.exit(0);
});
