import { subsampleNote, type DrawnParticles } from './subsample';

/** The on-screen line of a view that draws a subsample (subsample.ts); nothing when every particle is drawn. */
export function SubsampleNote({ drawn }: { drawn: DrawnParticles | undefined }) {
  const text = drawn && subsampleNote(drawn);
  if (!text) return null;
  return (
    <p className="subsample-note" role="note" data-drawn={drawn.indices.length} data-total={drawn.total}>
      {text}
    </p>
  );
}
