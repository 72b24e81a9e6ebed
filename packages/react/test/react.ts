/** React logs the render errors it rethrows; a test that expects them keeps them quiet. */
export function silenceReactErrors(): () => void {
  const original = console.error;
  console.error = () => {};
  const onError = (event: Event) => event.preventDefault();
  window.addEventListener('error', onError);
  return () => {
    console.error = original;
    window.removeEventListener('error', onError);
  };
}
