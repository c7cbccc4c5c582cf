/*
 * Drift trend of the fleet page: per cluster, how many pools were behind, in sync, ahead,
 * unknown or unreachable from a time on. Written when the counts change, at most once per
 * interval per cluster, kept for the retention period. Works on SQLite and PostgreSQL.
 * Its own migration table (layering_trend_migrations), so it runs independently of the
 * request store's migrations.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('layering_drift_samples', table => {
    table.comment('Pool counts per drift status and cluster over time (fleet page trend)');
    table.increments('id').primary();
    table.string('cluster', 253).notNullable();
    table.string('at', 32).notNullable().comment('ISO 8601 time, UTC, when these counts began');
    table.integer('behind').notNullable();
    table.integer('in_sync').notNullable();
    table.integer('ahead').notNullable();
    table.integer('unknown').notNullable();
    table.integer('unreachable').notNullable();
    table.index(['cluster', 'at'], 'layering_drift_samples_cluster_at_idx');
    table.index(['at'], 'layering_drift_samples_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('layering_drift_samples');
};
