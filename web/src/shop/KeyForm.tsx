import { useState } from 'preact/hooks';

/** The kind of a key by its text: what the shop can do with it. */
export type KeyKind = 'publishable' | 'secret';

export function kindOfKey(key: string | null, companyId: number): KeyKind | null {
  if (!key) return null;
  const match = /^ds_(sk|pk)_(\d+)_/.exec(key);
  if (!match || match[2] !== String(companyId)) return null;
  return match[1] === 'sk' ? 'secret' : 'publishable';
}

const WHAT_IT_DOES: Record<KeyKind, string> = {
  publishable: 'the publishable key: orders can be placed; seeing and cancelling them needs the secret key',
  secret: 'the secret key: orders can be placed, seen and cancelled',
};

/**
 * The company's key for this tab: the catalogue is public, placing an order needs the
 * company's publishable key (or its secret key), and seeing or cancelling orders its
 * secret key. The key is kept in this tab only and shown by its kind, never by its text.
 */
export function KeyForm({
  companyId,
  current,
  onKey,
}: {
  companyId: number;
  current: string | null;
  onKey: (key: string | null) => void;
}) {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const kind = kindOfKey(current, companyId);
  if (kind) {
    return (
      <p class="hint key-status">
        Using {WHAT_IT_DOES[kind]}. It is kept in this browser tab only.{' '}
        <button type="button" class="link" onClick={() => onKey(null)}>
          Forget it
        </button>
      </p>
    );
  }
  return (
    <form
      class="note note--info key-form"
      onSubmit={(event) => {
        event.preventDefault();
        const key = value.trim();
        if (!kindOfKey(key, companyId)) {
          setProblem(
            `This is not a key of company ${companyId}: its keys begin ds_pk_${companyId}_ or ds_sk_${companyId}_.`,
          );
          return;
        }
        setProblem(null);
        setValue('');
        onKey(key);
      }}
    >
      <p>
        The catalogue is public. To place orders, enter the company's publishable key; to see and cancel them,
        its secret key (<code>npm start</code> prints the demo company's, and{' '}
        <code>npm run tenant -- key create {companyId}</code> makes one).
      </p>
      {problem ? <p role="alert">{problem}</p> : null}
      <div class="field-row">
        <label for="company-key">Key of company {companyId}</label>
        <input
          id="company-key"
          type="password"
          autocomplete="off"
          required
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <button type="submit">Use this key</button>
      </div>
    </form>
  );
}
