import { Badge } from '@backstage/ui';
import { makeStyles } from '@material-ui/core/styles';
import type { Tone } from '../../lib/presentation';

const toneColours: Record<Tone, { fg: string; bg: string }> = {
  success: { fg: 'var(--bui-fg-success-on-bg)', bg: 'var(--bui-bg-success)' },
  warning: { fg: 'var(--bui-fg-warning-on-bg)', bg: 'var(--bui-bg-warning)' },
  danger: { fg: 'var(--bui-fg-danger-on-bg)', bg: 'var(--bui-bg-danger)' },
  info: { fg: 'var(--bui-fg-info-on-bg)', bg: 'var(--bui-bg-info)' },
  neutral: { fg: 'var(--bui-fg-secondary)', bg: 'transparent' },
};

const useStyles = makeStyles({
  badge: {
    whiteSpace: 'nowrap',
  },
  dot: {
    display: 'inline-block',
    width: 8,
    height: 8,
    borderRadius: '50%',
    flexShrink: 0,
  },
});

/** Props of {@link StatusBadge}. */
export interface StatusBadgeProps {
  tone: Tone;
  label: string;
  /** Extra text for screen readers and tooltips, e.g. the reason. */
  title?: string;
}

/** A small coloured badge with a status dot; the tone is also in `data-tone`. */
export function StatusBadge(props: StatusBadgeProps) {
  const { tone, label, title } = props;
  const classes = useStyles();
  const colours = toneColours[tone];
  return (
    <Badge
      className={classes.badge}
      data-tone={tone}
      title={title}
      style={{ color: colours.fg, backgroundColor: colours.bg }}
      icon={
        <span
          aria-hidden
          className={classes.dot}
          style={{ backgroundColor: colours.fg }}
        />
      }
    >
      {label}
    </Badge>
  );
}
