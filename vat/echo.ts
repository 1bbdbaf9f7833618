// vat/echo.ts: a harmless diagnostic object (`stoa vat start --echo`) whose
// echo(x) returns x: for interop tests, health checks and benchmarks.
import { M } from '@endo/patterns';
import { makeExo } from '@endo/exo';

export const EchoI = M.interface('Echo', {
  echo: M.call(M.any()).returns(M.any()),
});

export const makeEcho = () =>
  makeExo('Echo', EchoI, {
    echo(x) {
      return x;
    },
  });
harden(makeEcho);
export type Echo = ReturnType<typeof makeEcho>;
