import { Flex, Text } from '@backstage/ui';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles({
  row: {
    display: 'grid',
    gridTemplateColumns: 'minmax(12rem, max-content) 1fr 3rem',
    alignItems: 'center',
    gap: '0.5rem',
  },
  track: {
    height: 12,
    borderRadius: 6,
    backgroundColor: 'var(--bui-bg-neutral-2)',
    overflow: 'hidden',
  },
  bar: {
    height: '100%',
    borderRadius: 6,
  },
  label: {
    fontFamily: 'monospace',
  },
});

function barColour(isRelease: boolean, rhcosVersion: string | null): string {
  if (isRelease) {
    return 'var(--bui-positive-bg)';
  }
  return rhcosVersion === null
    ? 'var(--bui-bg-neutral-4)'
    : 'var(--bui-warning-bg)';
}

/** Props of {@link RhcosBuildChart}. */
export interface RhcosBuildChartProps {
  /** Nodes per RHCOS build (`null` when a node's build is not known). */
  builds: Array<{ rhcosVersion: string | null; count: number }>;
  /** The release's RHCOS build, drawn in the success colour. */
  releaseRhcosVersion: string | null;
}

/**
 * How many nodes run each RHCOS build, as horizontal bars. A half-rolled pool
 * shows two bars; the release's own build is marked.
 */
export function RhcosBuildChart(props: RhcosBuildChartProps) {
  const { builds, releaseRhcosVersion } = props;
  const classes = useStyles();
  const total = builds.reduce((sum, b) => sum + b.count, 0);
  if (total === 0) {
    return (
      <Text as="p" variant="body-small" color="secondary">
        No nodes in this pool.
      </Text>
    );
  }
  return (
    <Flex
      direction="column"
      gap="1"
      role="list"
      aria-label="RHCOS build per node"
    >
      {builds.map(build => {
        const isRelease =
          build.rhcosVersion !== null &&
          build.rhcosVersion === releaseRhcosVersion;
        const label = build.rhcosVersion ?? 'unknown build';
        const width = `${Math.round((build.count / total) * 100)}%`;
        return (
          <div
            key={label}
            role="listitem"
            aria-label={`${label}: ${build.count} of ${total} nodes`}
            className={classes.row}
          >
            <Text as="span" variant="body-small" className={classes.label}>
              {label}
              {isRelease ? ' (release)' : ''}
            </Text>
            <div className={classes.track}>
              <div
                className={classes.bar}
                style={{
                  width,
                  backgroundColor: barColour(isRelease, build.rhcosVersion),
                }}
              />
            </div>
            <Text as="span" variant="body-small">
              {build.count}
            </Text>
          </div>
        );
      })}
    </Flex>
  );
}
