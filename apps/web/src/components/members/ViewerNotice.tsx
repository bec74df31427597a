/** What a viewer of a project sees in place of the chat's composer (issue 14 item 2): that they read and do not write. */
export function ViewerNotice() {
  return (
    <p className="viewer-notice" role="note" data-testid="viewer-notice">
      You are a viewer of this project: you can read, not write.
    </p>
  );
}
