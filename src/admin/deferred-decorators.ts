/**
 * Decorators of a library that is loaded only when it is first needed (docs/performance.md,
 * "Proxy memory"). `@nestjs/swagger` and class-validator are used only by the OpenAPI document
 * and the admin API's input validation, yet their decorators on the DTO and controller classes
 * would load them, ~8 MiB of heap, into every proxy at start-up.
 *
 * A decorator made here records its arguments and its target. Once the library is loaded
 * ({@link DeferredDecorators.loaded}), each recorded decorator is applied with the library's
 * own factory, in the order the classes were decorated, so the library's metadata ends up as if
 * it had decorated them itself; decorators met after that are applied at once.
 */

/** Any decorator: class, method, property or parameter. */
type AnyDecorator = (target: object, key?: string | symbol, descriptorOrIndex?: unknown) => unknown;

/** The names of a library's exports that are functions (its decorator factories among them). */
type FactoryName<Library> = {
  [Name in keyof Library]: Library[Name] extends (...args: never[]) => unknown ? Name : never;
}[keyof Library] &
  string;

export class DeferredDecorators<Library extends object> {
  private library?: Library;
  private pending: Array<(library: Library) => void> = [];

  /**
   * The library's decorator factory `name`, deferred. Its type is the library's own, so callers
   * are checked against the real signature.
   */
  factory<Name extends FactoryName<Library>>(name: Name): Library[Name] {
    const deferred = (...args: unknown[]): AnyDecorator => {
      return (target, key, descriptorOrIndex) => {
        this.whenLoaded((library) => {
          const make = library[name] as (...args: unknown[]) => AnyDecorator;
          make(...args)(target, key, descriptorOrIndex);
        });
        // Nothing returned: a method's descriptor and a class stay the ones they were, as the
        // libraries' own decorators leave them (they return what they were given).
      };
    };
    return deferred as Library[Name];
  }

  /** Whether {@link loaded} has run. */
  get isLoaded(): boolean {
    return this.library !== undefined;
  }

  /** Applies every recorded decorator with `library`; later ones apply at once. Idempotent. */
  loaded(library: Library): void {
    if (this.library) return;
    this.library = library;
    for (const apply of this.pending.splice(0)) apply(library);
  }

  private whenLoaded(apply: (library: Library) => void): void {
    if (this.library) apply(this.library);
    else this.pending.push(apply);
  }
}
