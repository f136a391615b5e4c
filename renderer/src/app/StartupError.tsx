/** Shown instead of the app when it cannot talk to its engine at all. */
export function StartupError({ message, hint }: { readonly message: string; readonly hint: string }) {
  return (
    <div role="alert" style={{ maxWidth: '40em', margin: '4em auto', lineHeight: 1.5 }}>
      <h1>LoRA Studio cannot start</h1>
      <p>{message}</p>
      <p className="muted">{hint}</p>
    </div>
  );
}
