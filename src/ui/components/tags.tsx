// A list of tags (or capabilities) as chips; what to show when there are none is the caller's.
import type { ReactNode } from "react";

export function Tags({ values, empty = null }: { values: readonly string[]; empty?: ReactNode }) {
  if (values.length === 0) return <>{empty}</>;
  return (
    <>
      {values.map((t) => (
        <span key={t} className="tag">
          {t}
        </span>
      ))}
    </>
  );
}
