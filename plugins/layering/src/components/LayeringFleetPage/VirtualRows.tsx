import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';

/** Props of {@link VirtualRows}. */
export interface VirtualRowsProps {
  /** Rows the list stands for (loaded or not): sets the scroll height. */
  rowCount: number;
  /** Rows loaded so far; rows past it render as placeholders until they arrive. */
  loadedCount: number;
  /** Height of one row in pixels (all rows have it). */
  rowHeight: number;
  /** Height of the scrolling viewport in pixels. */
  height: number;
  /** Rows rendered above and below the visible ones, so fast scrolling shows no gaps. */
  overscan?: number;
  /** Renders loaded row `index`. */
  renderRow: (index: number) => ReactNode;
  /** Renders a row that is not loaded yet. */
  renderPlaceholder: (index: number) => ReactNode;
  /** Called when the visible rows reach the rows not loaded yet. */
  onNeedMore?: () => void;
  /** The header row(s), kept above the rows. */
  header: ReactNode;
  /** Accessible name of the grid. */
  label: string;
  /** Total column count, for assistive technology. */
  columnCount: number;
}

/** The rows that must be in the DOM for a scroll position. */
export function visibleRange(options: {
  scrollTop: number;
  height: number;
  rowHeight: number;
  rowCount: number;
  overscan: number;
}): { start: number; end: number } {
  const { scrollTop, height, rowHeight, rowCount, overscan } = options;
  const first = Math.floor(Math.max(scrollTop, 0) / rowHeight);
  const last = Math.ceil((Math.max(scrollTop, 0) + height) / rowHeight);
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(rowCount, last + overscan),
  };
}

/**
 * A grid that keeps only the rows in view (plus a few) in the DOM, however many it stands for:
 * every row has the same height, so the scroll position alone says which rows to render, and
 * spacing is done by positioning rows inside a box as tall as all of them.
 */
export function VirtualRows(props: VirtualRowsProps) {
  const {
    rowCount,
    loadedCount,
    rowHeight,
    height,
    overscan = 6,
    renderRow,
    renderPlaceholder,
    onNeedMore,
    header,
    label,
    columnCount,
  } = props;
  const [scrollTop, setScrollTop] = useState(0);
  const frame = useRef<number | undefined>(undefined);
  const viewport = useRef<HTMLDivElement>(null);

  const onScroll = useCallback(() => {
    // One render per animation frame, whatever the number of scroll events.
    if (frame.current !== undefined) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = undefined;
      setScrollTop(viewport.current?.scrollTop ?? 0);
    });
  }, []);
  useEffect(
    () => () => {
      if (frame.current !== undefined) cancelAnimationFrame(frame.current);
    },
    [],
  );

  // A new listing (fewer rows) starts at the top.
  useEffect(() => {
    if (viewport.current && scrollTop > rowCount * rowHeight) {
      viewport.current.scrollTop = 0;
      setScrollTop(0);
    }
  }, [rowCount, rowHeight, scrollTop]);

  const { start, end } = visibleRange({ scrollTop, height, rowHeight, rowCount, overscan });
  const needMore = end > loadedCount && loadedCount < rowCount;
  useEffect(() => {
    if (needMore) onNeedMore?.();
  }, [needMore, end, loadedCount, onNeedMore]);

  const rows: ReactNode[] = [];
  for (let i = start; i < end; i++) {
    rows.push(
      <div
        key={i}
        role="row"
        aria-rowindex={i + 2}
        data-row-index={i}
        style={{
          position: 'absolute',
          top: i * rowHeight,
          left: 0,
          right: 0,
          height: rowHeight,
          display: 'grid',
          gridTemplateColumns: 'var(--fleet-columns)',
          alignItems: 'center',
          borderBottom: '1px solid var(--bui-border, rgba(0,0,0,0.1))',
        }}
      >
        {i < loadedCount ? renderRow(i) : renderPlaceholder(i)}
      </div>,
    );
  }

  return (
    <div role="grid" aria-label={label} aria-rowcount={rowCount + 1} aria-colcount={columnCount}>
      {header}
      <div
        ref={viewport}
        onScroll={onScroll}
        data-testid="fleet-viewport"
        style={{ height, overflowY: 'auto', position: 'relative' }}
      >
        <div role="rowgroup" style={{ height: rowCount * rowHeight, position: 'relative' }}>
          {rows}
        </div>
      </div>
    </div>
  );
}
