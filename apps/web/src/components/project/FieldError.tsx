/** A refusal shown under the form field it is about, tied to its input with `aria-describedby`. */
export function FieldError({ id, message }: { id: string; message: string | null }) {
  if (!message) return null;
  return (
    <span id={id} role="alert" className="field-error">
      {message}
    </span>
  );
}
