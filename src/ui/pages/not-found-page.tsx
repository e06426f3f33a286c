// A URL the dashboard has no page for.
import { Link } from "react-router";

export function NotFoundPage() {
  return (
    <>
      <h1>Not found</h1>
      <p>
        There is no page here. <Link to="/">Back to the overview</Link>
      </p>
    </>
  );
}
