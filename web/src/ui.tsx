/** Small pieces every view uses: errors in words, a view's heading, a busy button. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { describeError } from './api';

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
