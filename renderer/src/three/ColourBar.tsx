import { useEffect, useRef } from 'react';
import { paintColourBar, type ColourMapName } from './colourMaps';
import { formatValue } from './format';

/**
 * A horizontal colour bar: the field's name, the map as the scene draws it (the same table), and the
 * range it spans. The exact ends are in data-min / data-max for anyone who needs all digits.
 */
export function ColourBar({ label, map, min, max, name }: { label: string; map: ColourMapName; min: number; max: number; name: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current) paintColourBar(canvas.current, map);
  }, [map]);
  return (
    <figure className="colour-bar" aria-label={name} data-min={min} data-max={max} data-map={map}>
      <figcaption>{label}</figcaption>
      <canvas ref={canvas} width={200} height={12} />
      <div className="colour-bar-range">
        <span className="colour-bar-min">{formatValue(min)}</span>
        {map === 'diverging' ? <span>0</span> : null}
        <span className="colour-bar-max">{formatValue(max)}</span>
      </div>
    </figure>
  );
}
