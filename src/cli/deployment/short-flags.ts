// Prefect's two-letter short flags (-sb, -ib), which commander does not allow: the command's own
// arguments are rewritten to the long flags before commander parses them, and help shows both.
import { type Command, Help, type Option } from "commander";

export function twoLetterFlags(command: Command, flags: Record<string, string>): Command {
  const parse = command.parseOptions.bind(command);
  command.parseOptions = (args: string[]) => {
    const rewritten: string[] = [];
    for (const arg of args) {
      if (arg === "--") {
        rewritten.push(...args.slice(rewritten.length));
        break;
      }
      const at = arg.indexOf("=");
      const flag = at > 0 ? arg.slice(0, at) : arg;
      rewritten.push(flags[flag] ? `${flags[flag]}${at > 0 ? arg.slice(at) : ""}` : arg);
    }
    return parse(rewritten);
  };
  const short = new Map(Object.entries(flags).map(([s, long]) => [long, s]));
  command.configureHelp({
    optionTerm: (option: Option) => {
      const s = option.long ? short.get(option.long) : undefined;
      return s ? `${s}, ${option.flags}` : new Help().optionTerm(option);
    },
  });
  return command;
}
