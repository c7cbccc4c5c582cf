import { Flex, Link, Text } from '@backstage/ui';
import { makeStyles } from '@material-ui/core/styles';
import type { LayeringRequestRecord } from '@rhcos-layering/plugin-layering-common';
import { formatTime } from '../../lib/presentation';
import { StatusBadge } from '../StatusBadge';
import { timelineSteps, type TimelineStep } from './timelineSteps';

const useStyles = makeStyles({
  steps: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(10rem, 1fr))',
    gap: '0.75rem',
  },
  step: {
    borderTop: '3px solid var(--bui-border)',
    paddingTop: '0.5rem',
  },
  done: {
    borderTopColor: 'var(--bui-fg-secondary)',
  },
});

function Step(props: { step: TimelineStep }) {
  const classes = useStyles();
  const { step } = props;
  return (
    <li
      className={`${classes.step} ${step.pending ? '' : classes.done}`}
      aria-label={`${step.label}: ${step.status}`}
    >
      <Flex direction="column" gap="1">
        <Flex align="center" gap="2">
          <Text weight="bold">{step.label}</Text>
          <StatusBadge tone={step.tone} label={step.status} />
        </Flex>
        {step.at && <Text variant="body-small">{formatTime(step.at)}</Text>}
        {step.by && <Text variant="body-small">by {step.by}</Text>}
        {step.detail && <Text variant="body-small">{step.detail}</Text>}
        {step.url && (
          <Link
            href={step.url}
            target="_blank"
            rel="noopener noreferrer"
            variant="body-small"
          >
            {step.id === 'opened' ||
            step.id === 'approved' ||
            step.id === 'merged'
              ? 'Pull request'
              : 'Details'}
          </Link>
        )}
      </Flex>
    </li>
  );
}

/**
 * One timeline per request of a pool, newest request first: opened → approved → merged for a
 * pull request, then applied → build → rollout on the cluster, each step with its time, who,
 * what and a link. The pool tab refetches requests on the pool's signals, so the timelines move
 * live.
 *
 * @public
 */
export function LayeringRequestTimeline(props: {
  requests: LayeringRequestRecord[];
  /** How many requests to show (newest first). Default 5. */
  limit?: number;
}) {
  const requests = [...props.requests]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, props.limit ?? 5);
  const classes = useStyles();
  if (!requests.length) {
    return <Text as="p">No requests were made through the portal.</Text>;
  }
  return (
    <Flex direction="column" gap="4">
      {requests.map(record => (
        <section
          key={record.id}
          aria-label={`Timeline of ${record.summary ?? record.kind}`}
        >
          <Flex direction="column" gap="2">
            <Flex align="center" gap="2">
              <Text weight="bold">{record.summary ?? record.kind}</Text>
              {record.outcome === 'superseded' && (
                <StatusBadge
                  tone="neutral"
                  label="superseded by a newer request"
                />
              )}
              <Text variant="body-small">
                {record.requestedBy} · {formatTime(record.createdAt)}
              </Text>
            </Flex>
            <ol className={classes.steps}>
              {timelineSteps(record).map(step => (
                <Step key={step.id} step={step} />
              ))}
            </ol>
          </Flex>
        </section>
      ))}
    </Flex>
  );
}
