// Sends what a shop backend sends with @segment/analytics-node and its default settings (batches to /v1/batch):
// node segment-node.js <stageflow url> <server write key> <user id>
const { Analytics } = require('@segment/analytics-node');

const [url, writeKey, userId] = process.argv.slice(2);
const analytics = new Analytics({ writeKey, host: url });
let failed = false;
analytics.on('error', (error) => {
  failed = true;
  console.error('delivery failed:', error && (error.reason || error.code || error));
});

analytics.identify({ userId, traits: { email: `${userId}@example.com`, firstName: 'Node', plan: 'pro' } });
analytics.group({ userId, groupId: `acme-${userId}`, traits: { name: 'Acme Inc', employees: 120 } });
analytics.track({
  userId,
  event: 'Order Completed',
  messageId: `segment-node-order-${userId}`,
  properties: {
    order_id: `o-${userId}`,
    revenue: 27.5,
    currency: 'EUR',
    products: [
      { product_id: 'p-1', sku: 'MUG-1', name: 'Mug', price: 12.5, quantity: 1 },
      { product_id: 'p-2', sku: 'TEA-2', name: 'Tea', price: 7.5, quantity: 2 },
    ],
  },
});
analytics.page({ userId, name: 'Pricing', properties: { path: '/pricing' } });

analytics.closeAndFlush({ timeout: 20000 }).then(() => {
  console.log(failed ? 'segment-node: failed' : 'segment-node: sent');
  process.exit(failed ? 1 : 0);
});
