// The block types the server's plugins registered, as cards, narrowed by a filter on their name,
// slug, plugin or capabilities.
import { useState } from "react";
import type { BlockTypeCardFragment } from "../../generated/graphql";
import { BlockTypeCard } from "./block-type-card";

function matches(type: BlockTypeCardFragment, words: string[]): boolean {
  const text = [type.name, type.slug, type.plugin, ...type.latestSchema.capabilities].join(" ").toLowerCase();
  return words.every((w) => text.includes(w));
}

export function BlockTypeCatalog({ types }: { types: readonly BlockTypeCardFragment[] }) {
  const [filter, setFilter] = useState("");
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = types.filter((t) => matches(t, words));
  return (
    <section aria-labelledby="block-types-heading">
      <h2 id="block-types-heading">Block types</h2>
      <div className="filters">
        <label className="block-type-filter">
          Filter block types
          <input
            type="search"
            value={filter}
            placeholder="name or capability, e.g. put-directory"
            onChange={(e) => setFilter(e.target.value)}
          />
        </label>
        <span className="muted" aria-live="polite">
          {shown.length} of {types.length}
        </span>
      </div>
      <div className="grid">
        {shown.map((t) => (
          <BlockTypeCard key={t.slug} type={t} />
        ))}
      </div>
      {shown.length === 0 && <p className="muted">No block type matches.</p>}
    </section>
  );
}
