// A text cut to a few lines, with a "more" button when it does not fit (measured, not guessed from
// its length, so it follows the card's width).
import { useId, useLayoutEffect, useRef, useState } from "react";

export function ClampedText({ text, label }: { text: string; label: string }) {
  const id = useId();
  const ref = useRef<HTMLParagraphElement>(null);
  const [open, setOpen] = useState(false);
  const [overflows, setOverflows] = useState(false);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || open) return;
    const measure = () => setOverflows(el.scrollHeight > el.clientHeight + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [open]);
  return (
    <div className="clamped">
      <p id={id} ref={ref} className={open ? undefined : "clamp"}>
        {text}
      </p>
      {(overflows || open) && (
        <button
          type="button"
          className="link"
          aria-expanded={open}
          aria-controls={id}
          aria-label={`${open ? "Less" : "More"} about ${label}`}
          onClick={() => setOpen(!open)}
        >
          {open ? "less" : "more"}
        </button>
      )}
    </div>
  );
}
