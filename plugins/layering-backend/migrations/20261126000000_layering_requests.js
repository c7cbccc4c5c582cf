/*
 * Requests made through the portal (scaffolder actions record them through the
 * layering backend). Works on SQLite (default) and PostgreSQL.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('layering_requests', table => {
    table.comment('Layering requests recorded by the scaffolder actions');
    table.string('id', 36).primary().notNullable().comment('UUID of the record');
    table.string('cluster', 253).notNullable();
    table.string('pool', 253).notNullable();
    table.string('kind', 32).notNullable();
    table.string('delivery', 16).notNullable().comment('pull-request or direct');
    table.text('pull_request_url').nullable();
    table.string('task_id', 255).nullable().comment('Scaffolder task that made the request');
    table.string('requested_by', 255).notNullable().comment('Entity ref of the person who asked');
    table.string('created_at', 32).notNullable().comment('ISO 8601 time, UTC');
    table.string('outcome', 16).notNullable();
    table.text('summary').nullable();
    table.index(['cluster', 'pool', 'created_at'], 'layering_requests_pool_idx');
    table.index(['task_id'], 'layering_requests_task_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('layering_requests');
};
