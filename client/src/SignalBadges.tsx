import type { SignalCode } from './gql/graphql';
import { byUrgency, signalInfo } from './signals';

/** Signals as words (colour only repeats what the text says). */
export function SignalBadges({ codes }: { codes: readonly SignalCode[] }) {
  if (codes.length === 0) return <span className="muted">Inga signaler</span>;
  return (
    <ul className="badges">
      {byUrgency(codes.map((code) => ({ code }))).map(({ code }) => <li key={code} className="badge">{signalInfo(code).label}</li>)}
    </ul>
  );
}
