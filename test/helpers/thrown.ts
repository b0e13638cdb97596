/**
 * The error `act` throws, which the test expects to be an `ErrorClass`; the test fails if `act`
 * throws something else or returns. (Takes the class rather than importing one, so that specs of
 * any src/ module can use it without test/helpers depending on that module.)
 */
export function thrownBy<E extends Error>(act: () => unknown, ErrorClass: abstract new (...args: never[]) => E): E {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(ErrorClass);
    return error as E;
  }
  throw new Error(`expected a ${ErrorClass.name}`);
}
