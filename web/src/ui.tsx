/** Small pieces the views share: errors in words, a view's heading, a quantity field. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { describeError } from './api';
import { MAX_QUANTITY } from './checkout';

/** An error as a sentence (the problem's detail), announced to screen readers. */
export function ErrorNote({ error, children }: { error: unknown; children?: ComponentChildren }) {
  if (!error) return null;
  return (
    <div class="note note--error" role="alert">
      <p>{describeError(error)}</p>
      {children}
    </div>
  );
}

/**
 * A view's heading: it takes the focus when the view is opened from the navigation, so a
 * screen reader says where the user now is.
 */
export function ViewHeading({ children, focus }: { children: ComponentChildren; focus: boolean }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  return (
    <h2 ref={ref} tabIndex={-1} class="view-heading">
      {children}
    </h2>
  );
}

/**
 * A quantity field for one product, labelled "Quantity of <name>" for screen readers.
 * `onQuantity` gets the whole number entered; what to do with one out of 1…MAX_QUANTITY is
 * the caller's choice.
 */
export function QuantityInput({
  id,
  name,
  value,
  onQuantity,
}: {
  id: string;
  name: string;
  value: number;
  onQuantity: (quantity: number) => void;
}) {
  return (
    <>
      <label class="visually-hidden" for={id}>
        Quantity of {name}
      </label>
      <input
        id={id}
        class="qty"
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_QUANTITY}
        step={1}
        value={value}
        onChange={(e) => onQuantity(Math.floor(Number(e.currentTarget.value)))}
      />
    </>
  );
}
