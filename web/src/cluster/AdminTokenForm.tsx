import { useState } from 'preact/hooks';

/**
 * GET /cluster answered 401: the cluster is for operators. The operator token is asked for
 * here and kept in this tab only.
 */
export function AdminTokenForm({
  refused,
  onToken,
}: {
  /** Why the token sent was refused (the problem's detail); null when none was sent yet. */
  refused: string | null;
  onToken: (token: string) => void;
}) {
  const [value, setValue] = useState('');
  return (
    <form
      class="note note--warn token-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (value.trim()) onToken(value.trim());
      }}
    >
      <p role="alert">
        {refused
          ? `The operator token was refused: ${refused}`
          : 'The cluster view is for operators: enter the operator token (ADMIN_TOKEN; npm start prints the local one).'}
      </p>
      <p class="hint">The token is kept in this browser tab only, and sent with GET /cluster alone.</p>
      <div class="field-row">
        <label for="admin-token">Operator token</label>
        <input
          id="admin-token"
          type="password"
          autocomplete="off"
          required
          minLength={16}
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <button type="submit">Show the cluster</button>
      </div>
    </form>
  );
}
