import type {
  ClusterView,
  LayeringRequestRecord,
  PoolView,
} from '@rhcos-layering/plugin-layering-common';
import { Alert, Flex, Link, Text } from '@backstage/ui';
import { makeStyles } from '@material-ui/core/styles';
import type { ReactNode } from 'react';
import {
  buildTone,
  displayDriftStatus,
  driftLabel,
  layeringModeLabel,
} from '../../lib/presentation';
import { DriftBadge } from '../DriftBadge';
import { ImageReference } from '../ImageReference';
import { RolloutProgress } from '../RolloutProgress';
import { StatusBadge } from '../StatusBadge';

const useStyles = makeStyles({
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: '1rem',
    rowGap: '0.5rem',
    alignItems: 'center',
    margin: 0,
    '& dt': { margin: 0 },
    '& dd': { margin: 0, minWidth: 0 },
  },
  mono: { fontFamily: 'monospace', wordBreak: 'break-all' },
});

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>
        <Text as="span" variant="body-small" color="secondary">
          {props.label}
        </Text>
      </dt>
      <dd>{props.children}</dd>
    </>
  );
}

/** Props of {@link PoolSummary}. */
export interface PoolSummaryProps {
  pool: PoolView;
  cluster?: Pick<ClusterView, 'status' | 'error' | 'lastSync'>;
  /** The pool's requests, newest first. */
  requests?: LayeringRequestRecord[];
}

/** The newest request that still waits for review, if any. */
export function openRequestOf(
  requests: LayeringRequestRecord[] | undefined,
): LayeringRequestRecord | undefined {
  return requests
    ?.filter(r => r.outcome === 'opened')
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}

/**
 * Everything the pool card says about one pool: drift, release and base
 * builds, layering, build, rollout and the open request.
 */
export function PoolSummary(props: PoolSummaryProps) {
  const { pool, cluster, requests } = props;
  const classes = useStyles();
  const status = displayDriftStatus(pool, cluster?.status);
  const openRequest = openRequestOf(requests);
  const image = pool.layering.image ?? pool.image.target;
  // drift describes what the nodes run; drift.target where the pool goes (older backends omit it).
  const target = pool.drift.target;
  const baseRelease = (target ?? pool.drift).matchedRelease;

  return (
    <Flex direction="column" gap="3">
      <Flex direction="column" gap="1">
        <Flex align="center" gap="2">
          <DriftBadge pool={pool} clusterStatus={cluster?.status} />
        </Flex>
        {status === 'unreachable' ? (
          <Alert
            status="danger"
            role="alert"
            icon
            title="The cluster's data is stale or missing"
            description={[
              cluster?.error,
              cluster?.lastSync
                ? `Last successful sync ${new Date(
                    cluster.lastSync,
                  ).toLocaleString()}.`
                : 'The cluster has never been read.',
              'Drift cannot be judged until the cluster answers again.',
            ]
              .filter(Boolean)
              .join(' ')}
          />
        ) : (
          <>
            <Text as="p" variant="body-small">
              {pool.drift.reason}
            </Text>
            {target && target.reason !== pool.drift.reason && (
              <Text as="p" variant="body-small" color="secondary">
                {`Once rolled out: ${driftLabel({ ...pool, drift: target }).toLocaleLowerCase('en-US')}. ${target.reason}`}
              </Text>
            )}
          </>
        )}
      </Flex>

      <dl className={classes.facts}>
        <Fact label="Release">
          <Text as="span" variant="body-small">
            {pool.release.version ?? 'unknown'}
            {' · RHCOS '}
            <span className={classes.mono}>
              {pool.release.rhcosVersion ?? 'unknown'}
            </span>
          </Text>
        </Fact>
        <Fact label="Pool base">
          <Text as="span" variant="body-small">
            {'RHCOS '}
            <span className={classes.mono}>
              {pool.image.baseRhcosVersion ?? 'unknown'}
            </span>
            {baseRelease && baseRelease !== pool.release.version
              ? ` (from ${baseRelease})`
              : ''}
          </Text>
        </Fact>
        <Fact label="Layering">
          <Text as="span" variant="body-small">
            {layeringModeLabel(pool.layering.mode)}
            {pool.layering.source ? ` (${pool.layering.source})` : ''}
          </Text>
        </Fact>
        <Fact label="Image">
          {image ? (
            <ImageReference reference={image} />
          ) : (
            <Text as="span" variant="body-small" color="secondary">
              unknown
            </Text>
          )}
        </Fact>
        {pool.build && (
          <Fact label="Build">
            <Flex align="center" gap="2">
              <StatusBadge
                tone={buildTone(pool.build.state)}
                label={`Build ${pool.build.state.toLocaleLowerCase('en-US')}`}
              />
              <Text
                as="span"
                variant="body-x-small"
                color="secondary"
                className={classes.mono}
              >
                {pool.build.name}
              </Text>
            </Flex>
          </Fact>
        )}
        {openRequest && (
          <Fact label="Open request">
            {openRequest.pullRequestUrl ? (
              <Link
                href={openRequest.pullRequestUrl}
                target="_blank"
                rel="noopener noreferrer"
                variant="body-small"
              >
                {openRequest.summary ?? openRequest.kind} (pull request)
              </Link>
            ) : (
              <Text as="span" variant="body-small">
                {openRequest.summary ?? openRequest.kind}
              </Text>
            )}
          </Fact>
        )}
      </dl>

      <RolloutProgress pool={pool} />
    </Flex>
  );
}
