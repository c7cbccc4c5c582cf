import { Badge } from '@backstage/ui';
import { makeStyles } from '@material-ui/core/styles';
import type { Tone } from '../../lib/presentation';

/** Backstage UI intent of each tone. */
const intents: Record<Tone, string | undefined> = {
  success: 'positive',
  warning: 'warning',
  danger: 'negative',
  info: 'announcement',
  neutral: undefined,
};

function colours(tone: Tone): { fg: string; bg: string; dot: string } {
  const intent = intents[tone];
  if (!intent) {
    return {
      fg: 'var(--bui-fg-secondary)',
      bg: 'transparent',
      dot: 'var(--bui-fg-secondary)',
    };
  }
  return {
    fg: `var(--bui-${intent}-fg-subdued)`,
    bg: `var(--bui-${intent}-bg-subdued)`,
    dot: `var(--bui-${intent}-bg)`,
  };
}

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
  const { fg, bg, dot } = colours(tone);
  return (
    <Badge
      className={classes.badge}
      data-tone={tone}
      title={title}
      style={{ color: fg, backgroundColor: bg }}
      icon={
        <span
          aria-hidden
          className={classes.dot}
          style={{ backgroundColor: dot }}
        />
      }
    >
      {label}
    </Badge>
  );
}
