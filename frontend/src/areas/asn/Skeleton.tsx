/** Grey placeholder lines while a card loads; announced once as "Memuat…". */
export function Skeleton({ lines = 3, label }: { lines?: number; label: string }) {
  return (
    <div className="skeleton" role="status" aria-label={label}>
      {Array.from({ length: lines }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholder lines have no identity but their place
        <span key={i} className="skeleton__line" style={{ width: `${90 - ((i * 23) % 40)}%` }} />
      ))}
    </div>
  );
}
