/** The modules of a mapping report that matched nothing, with why: shown by the inspector and by reports. */
import { memo } from 'react';

export interface UnmatchedTableProps {
  readonly unmatched: readonly { readonly module: string; readonly reason: string }[];
  readonly label?: string;
}

export const UnmatchedTable = memo(function UnmatchedTable({ unmatched, label }: UnmatchedTableProps) {
  return (
    <table className="data" aria-label={label}>
      <thead>
        <tr>
          <th>Unmatched module</th>
          <th>Why</th>
        </tr>
      </thead>
      <tbody>
        {unmatched.map((u) => (
          <tr key={u.module}>
            <td className="mono">{u.module}</td>
            <td>{u.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
});
