// Refreshes on a timer while the page is visible (the API has no subscription for pools or
// counts), and at once when the tab is shown again, so a hidden tab sends no requests.
import { useEffect, useRef } from "react";

export function useVisiblePoll(refresh: () => void, everyMs: number): void {
  // the latest callback, so a new closure each render does not restart the timer
  const latest = useRef(refresh);
  useEffect(() => {
    latest.current = refresh;
  });
  useEffect(() => {
    const tick = () => {
      if (document.visibilityState === "visible") latest.current();
    };
    const timer = setInterval(tick, everyMs);
    document.addEventListener("visibilitychange", tick);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", tick);
    };
  }, [everyMs]);
}
