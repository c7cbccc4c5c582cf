import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import type { FieldValidation } from '@rjsf/utils';
import type { ApiHolder } from '@backstage/frontend-plugin-api';
import { layeringApiRef, type LayeringApi } from '../api';

/**
 * The props rjsf hands a field extension, reduced to what our fields read.
 */
export function fieldProps<T, O>(props: {
  formData?: T;
  onChange: (value: T | undefined) => void;
  uiOptions?: O;
  formContext?: { formData: Record<string, unknown> };
  title?: string;
  /** More of the field's JSON schema, e.g. `enum` and `enumNames`. */
  schema?: Record<string, unknown>;
  rawErrors?: string[];
  required?: boolean;
}): FieldExtensionComponentProps<T, O> {
  return {
    formData: props.formData,
    onChange: props.onChange,
    schema: { ...props.schema, title: props.title },
    uiSchema: { 'ui:options': props.uiOptions ?? {} },
    formContext: props.formContext ?? { formData: {} },
    rawErrors: props.rawErrors ?? [],
    required: props.required,
    idSchema: { $id: 'root' },
  } as unknown as FieldExtensionComponentProps<T, O>;
}

/** A FieldValidation that records the errors added to it. */
export function fieldValidation() {
  const errors: string[] = [];
  const field = {
    addError: (message: string) => {
      errors.push(message);
    },
  } as unknown as FieldValidation;
  return { field, errors };
}

/** An API holder with only the layering API. */
export function apiHolder(api: Partial<LayeringApi>): ApiHolder {
  return {
    get: ((ref: { id: string }) =>
      ref.id === layeringApiRef.id ? api : undefined) as ApiHolder['get'],
  };
}
