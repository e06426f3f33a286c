// Readable random run names ("brave-otter"), like Prefect's two-word slugs.
import { adjectives, animals, uniqueNamesGenerator } from "unique-names-generator";

export function randomRunName(): string {
  return uniqueNamesGenerator({ dictionaries: [adjectives, animals], separator: "-", length: 2, style: "lowerCase" });
}
