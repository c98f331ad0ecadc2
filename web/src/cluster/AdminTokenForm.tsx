import { useState } from 'preact/hooks';

/**
 * GET /cluster answered 401: this server has ADMIN_TOKEN configured. The token is asked
 * for here and kept in this tab only.
 */
export function AdminTokenForm({
  refused,
  onToken,
}: {
  /** A token was sent and refused (rather than none sent yet). */
  refused: boolean;
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
          ? 'The operator token was refused: the server expects the value of its ADMIN_TOKEN. Enter it again.'
          : 'The cluster view is for operators: this server asks for its operator token (ADMIN_TOKEN) before it shows the cluster.'}
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
