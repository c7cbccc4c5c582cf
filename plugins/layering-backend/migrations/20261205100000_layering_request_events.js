/*
 * The history of each request: one row per event (opened, approved, merged, closed,
 * superseded, and what followed on the cluster). `dedupe_key` makes recording the same event
 * twice (a webhook and the poll seeing one merge) a no-op.
 */

const { createHash } = require('node:crypto');

// The same rule as requestEvents.ts: outcome-like events happen once per request, an approval
// once per approver, anything else once per distinct content.
const ONCE = ['opened', 'merged', 'closed', 'superseded'];

function dedupeKey(event) {
  let parts;
  if (ONCE.includes(event.type)) parts = [event.type];
  else if (event.type === 'approved') parts = [event.type, event.by ?? ''];
  else
    parts = [event.type, event.by ?? '', event.detail ?? '', event.url ?? ''];
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('layering_request_events', table => {
    table.comment('Events in the history of a layering request');
    table.increments('id');
    table
      .string('request_id', 36)
      .notNullable()
      .references('id')
      .inTable('layering_requests')
      .onDelete('CASCADE');
    table.string('type', 32).notNullable();
    table.string('at', 32).notNullable().comment('ISO 8601 time, UTC');
    table.string('by', 255).nullable();
    table.text('detail').nullable();
    table.text('url').nullable();
    table.string('dedupe_key', 64).notNullable();
    table.unique(['request_id', 'dedupe_key'], {
      indexName: 'layering_request_events_dedupe_uniq',
    });
    table.index(['request_id', 'at'], 'layering_request_events_request_idx');
  });
  // Records made before events existed get the events their outcome implies.
  const rows = await knex('layering_requests').select();
  const events = [];
  for (const row of rows) {
    if (row.delivery === 'pull-request' || row.outcome === 'opened') {
      const opened = {
        type: 'opened',
        by: row.requested_by,
        url: row.pull_request_url ?? undefined,
      };
      events.push({ request_id: row.id, at: row.created_at, ...opened });
    }
    if (row.outcome !== 'opened') {
      events.push({
        request_id: row.id,
        type: row.outcome,
        at: row.updated_at ?? row.created_at,
      });
    }
  }
  const withKeys = events.map(e => ({
    request_id: e.request_id,
    type: e.type,
    at: e.at,
    by: e.by ?? null,
    detail: null,
    url: e.url ?? null,
    dedupe_key: dedupeKey(e),
  }));
  for (let i = 0; i < withKeys.length; i += 200) {
    await knex('layering_request_events').insert(withKeys.slice(i, i + 200));
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('layering_request_events');
};
