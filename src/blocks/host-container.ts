// The container blocks are built from outside the server (a worker, the executor, the CLI): a child
// of tsyringe's root holding the host's logger, the one token plugins may inject there. The server
// assembles its own (src/container.ts), with its services beside the logger.
import { container as rootContainer, type DependencyContainer } from "tsyringe";
import { type BlockLogger, LOGGER } from "./sdk.js";

export function blockHostContainer(logger: BlockLogger): DependencyContainer {
  return rootContainer.createChildContainer().register(LOGGER, { useValue: logger });
}
