/*
 * One record per (task, cluster, pool, kind): the scaffolder actions upsert it, moving its
 * outcome along (opened -> merged/closed, failed -> applied/opened), so the index makes a
 * duplicate impossible even when two calls race. Also records when a record last changed.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // Keep one record of any group that an older version may have duplicated.
  const keep = knex('layering_requests')
    .min('id')
    .whereNotNull('task_id')
    .groupBy('task_id', 'cluster', 'pool', 'kind');
  await knex('layering_requests')
    .whereNotNull('task_id')
    .whereNotIn('id', keep)
    .delete();
  await knex.schema.alterTable('layering_requests', table => {
    table
      .string('updated_at', 32)
      .nullable()
      .comment('ISO 8601 time, UTC, of the last outcome change');
    table.unique(['task_id', 'cluster', 'pool', 'kind'], {
      indexName: 'layering_requests_task_target_uniq',
    });
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('layering_requests', table => {
    table.dropUnique(['task_id', 'cluster', 'pool', 'kind'], 'layering_requests_task_target_uniq');
    table.dropColumn('updated_at');
  });
};
