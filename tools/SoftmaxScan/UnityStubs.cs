namespace SoftmaxScan;

/// <summary>
/// Declarations of the small part of the Unity API that numerics code touches, written for this tool from the public
/// documentation, so that Unity repositories bind <c>Mathf.Exp</c> and <c>math.exp</c> as Unity's compiler does.
/// Added only when the repository does not define the types itself. Bodies are placeholders: nothing here runs.
/// </summary>
internal static class UnityStubs
{
    public const string Engine = """
        namespace UnityEngine
        {
            public static class Mathf
            {
                public const float PI = 3.14159274f;
                public const float Infinity = float.PositiveInfinity;
                public const float NegativeInfinity = float.NegativeInfinity;
                public const float Deg2Rad = 0.0174532924f;
                public const float Rad2Deg = 57.29578f;
                public const float Epsilon = 1.401298E-45f;
                public static float Exp(float power) => 0;
                public static float Log(float f) => 0;
                public static float Log(float f, float p) => 0;
                public static float Log10(float f) => 0;
                public static float Pow(float f, float p) => 0;
                public static float Sqrt(float f) => 0;
                public static float Abs(float f) => 0;
                public static int Abs(int value) => 0;
                public static float Max(float a, float b) => 0;
                public static float Max(params float[] values) => 0;
                public static int Max(int a, int b) => 0;
                public static int Max(params int[] values) => 0;
                public static float Min(float a, float b) => 0;
                public static float Min(params float[] values) => 0;
                public static int Min(int a, int b) => 0;
                public static int Min(params int[] values) => 0;
                public static float Clamp(float value, float min, float max) => 0;
                public static int Clamp(int value, int min, int max) => 0;
                public static float Clamp01(float value) => 0;
                public static float Lerp(float a, float b, float t) => 0;
                public static float Sin(float f) => 0;
                public static float Cos(float f) => 0;
                public static float Tan(float f) => 0;
                public static float Atan2(float y, float x) => 0;
                public static float Sign(float f) => 0;
                public static float Floor(float f) => 0;
                public static float Ceil(float f) => 0;
                public static float Round(float f) => 0;
                public static int FloorToInt(float f) => 0;
                public static int CeilToInt(float f) => 0;
                public static int RoundToInt(float f) => 0;
                public static bool Approximately(float a, float b) => false;
                public static float SmoothStep(float from, float to, float t) => 0;
                public static float MoveTowards(float current, float target, float maxDelta) => 0;
            }

            public struct Vector2
            {
                public float x, y;
                public Vector2(float x, float y) { this.x = x; this.y = y; }
                public float magnitude => 0;
                public float sqrMagnitude => 0;
                public Vector2 normalized => this;
                public static Vector2 zero => default;
                public static Vector2 one => default;
                public static float Distance(Vector2 a, Vector2 b) => 0;
                public static float Dot(Vector2 a, Vector2 b) => 0;
                public static Vector2 operator +(Vector2 a, Vector2 b) => a;
                public static Vector2 operator -(Vector2 a, Vector2 b) => a;
                public static Vector2 operator -(Vector2 a) => a;
                public static Vector2 operator *(Vector2 a, float d) => a;
                public static Vector2 operator *(float d, Vector2 a) => a;
                public static Vector2 operator /(Vector2 a, float d) => a;
                public static implicit operator Vector3(Vector2 v) => default;
            }

            public struct Vector3
            {
                public float x, y, z;
                public Vector3(float x, float y, float z) { this.x = x; this.y = y; this.z = z; }
                public Vector3(float x, float y) { this.x = x; this.y = y; this.z = 0; }
                public float magnitude => 0;
                public float sqrMagnitude => 0;
                public Vector3 normalized => this;
                public static Vector3 zero => default;
                public static Vector3 one => default;
                public static Vector3 up => default;
                public static Vector3 forward => default;
                public static Vector3 right => default;
                public static float Distance(Vector3 a, Vector3 b) => 0;
                public static float Dot(Vector3 a, Vector3 b) => 0;
                public static Vector3 Lerp(Vector3 a, Vector3 b, float t) => a;
                public static Vector3 operator +(Vector3 a, Vector3 b) => a;
                public static Vector3 operator -(Vector3 a, Vector3 b) => a;
                public static Vector3 operator -(Vector3 a) => a;
                public static Vector3 operator *(Vector3 a, float d) => a;
                public static Vector3 operator *(float d, Vector3 a) => a;
                public static Vector3 operator /(Vector3 a, float d) => a;
                public static bool operator ==(Vector3 a, Vector3 b) => true;
                public static bool operator !=(Vector3 a, Vector3 b) => false;
                public override bool Equals(object o) => false;
                public override int GetHashCode() => 0;
                public static implicit operator Vector2(Vector3 v) => default;
            }

            public struct Vector4
            {
                public float x, y, z, w;
            }

            public struct Quaternion
            {
                public float x, y, z, w;
                public static Quaternion identity => default;
                public static Quaternion Euler(float x, float y, float z) => default;
            }

            public struct Color
            {
                public float r, g, b, a;
                public Color(float r, float g, float b, float a = 1) { this.r = r; this.g = g; this.b = b; this.a = a; }
            }

            public class Object
            {
                public string name { get; set; }
                public static void Destroy(Object o) { }
                public static T Instantiate<T>(T original) where T : Object => original;
                public static implicit operator bool(Object o) => o != null;
            }

            public class Component : Object
            {
                public GameObject gameObject => null;
                public Transform transform => null;
                public T GetComponent<T>() => default;
                public string tag { get; set; }
            }

            public class Transform : Component
            {
                public Vector3 position { get; set; }
                public Vector3 localPosition { get; set; }
                public Quaternion rotation { get; set; }
                public Vector3 forward { get; set; }
            }

            public class GameObject : Object
            {
                public Transform transform => null;
                public T GetComponent<T>() => default;
                public T AddComponent<T>() where T : Component => default;
                public void SetActive(bool value) { }
                public static GameObject Find(string name) => null;
            }

            public class Behaviour : Component
            {
                public bool enabled { get; set; }
            }

            public class MonoBehaviour : Behaviour
            {
                public void StartCoroutine(System.Collections.IEnumerator routine) { }
                public void Invoke(string method, float time) { }
            }

            public class ScriptableObject : Object
            {
                public static T CreateInstance<T>() where T : ScriptableObject => default;
            }

            public static class Debug
            {
                public static void Log(object message) { }
                public static void LogWarning(object message) { }
                public static void LogError(object message) { }
                public static void Assert(bool condition) { }
                public static void DrawLine(Vector3 a, Vector3 b) { }
            }

            public static class Random
            {
                public static float value => 0;
                public static float Range(float min, float max) => 0;
                public static int Range(int min, int max) => 0;
                public static void InitState(int seed) { }
                public static Vector2 insideUnitCircle => default;
                public static Vector3 insideUnitSphere => default;
            }

            public static class Time
            {
                public static float deltaTime => 0;
                public static float time => 0;
                public static float fixedDeltaTime => 0;
                public static float timeScale { get; set; }
                public static int frameCount => 0;
            }

            public static class Input
            {
                public static bool GetKey(KeyCode key) => false;
                public static bool GetKeyDown(KeyCode key) => false;
                public static float GetAxis(string axis) => 0;
            }

            public enum KeyCode { None, Space, Return, Escape, A, D, S, W }

            [System.AttributeUsage(System.AttributeTargets.Field)]
            public sealed class SerializeField : System.Attribute { }

            [System.AttributeUsage(System.AttributeTargets.Field)]
            public sealed class HideInInspector : System.Attribute { }

            [System.AttributeUsage(System.AttributeTargets.Field)]
            public sealed class HeaderAttribute : System.Attribute { public HeaderAttribute(string header) { } }

            [System.AttributeUsage(System.AttributeTargets.Field)]
            public sealed class TooltipAttribute : System.Attribute { public TooltipAttribute(string tooltip) { } }

            [System.AttributeUsage(System.AttributeTargets.Field)]
            public sealed class RangeAttribute : System.Attribute { public RangeAttribute(float min, float max) { } }

            [System.AttributeUsage(System.AttributeTargets.Class)]
            public sealed class CreateAssetMenuAttribute : System.Attribute { public string fileName { get; set; } public string menuName { get; set; } }

            [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true)]
            public sealed class RequireComponent : System.Attribute { public RequireComponent(System.Type type) { } }
        }
        """;

    public const string Collections = """
        namespace Unity.Collections
        {
            public enum Allocator { Invalid, None, Temp, TempJob, Persistent }

            public enum NativeArrayOptions { UninitializedMemory, ClearMemory }

            public struct NativeArray<T> : System.IDisposable, System.Collections.Generic.IEnumerable<T> where T : struct
            {
                public NativeArray(int length, Allocator allocator, NativeArrayOptions options = NativeArrayOptions.ClearMemory) { }
                public NativeArray(T[] array, Allocator allocator) { }
                public T this[int index] { get => default; set { } }
                public int Length => 0;
                public bool IsCreated => false;
                public void Dispose() { }
                public T[] ToArray() => null;
                public void CopyFrom(T[] array) { }
                public void CopyTo(T[] array) { }
                public System.Collections.Generic.IEnumerator<T> GetEnumerator() => null;
                System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => null;
            }
        }
        """;

    public const string Mathematics = """
        namespace Unity.Mathematics
        {
            public struct float2 { public float x, y; public float2(float x, float y) { this.x = x; this.y = y; } }
            public struct float3 { public float x, y, z; public float3(float x, float y, float z) { this.x = x; this.y = y; this.z = z; } }
            public struct float4 { public float x, y, z, w; public float4(float x, float y, float z, float w) { this.x = x; this.y = y; this.z = z; this.w = w; } }

            public static class math
            {
                public const float E = 2.71828182845904523536f;
                public const float PI = 3.14159265358979323846f;
                public static float exp(float x) => 0;
                public static double exp(double x) => 0;
                public static float log(float x) => 0;
                public static double log(double x) => 0;
                public static float max(float a, float b) => 0;
                public static double max(double a, double b) => 0;
                public static int max(int a, int b) => 0;
                public static float min(float a, float b) => 0;
                public static double min(double a, double b) => 0;
                public static int min(int a, int b) => 0;
                public static float clamp(float x, float a, float b) => 0;
                public static double clamp(double x, double a, double b) => 0;
                public static float abs(float x) => 0;
                public static double abs(double x) => 0;
                public static float pow(float x, float y) => 0;
                public static float sqrt(float x) => 0;
                public static float saturate(float x) => 0;
                public static float lerp(float a, float b, float t) => 0;
                public static float dot(float3 a, float3 b) => 0;
                public static float length(float3 v) => 0;
                public static float cmax(float4 v) => 0;
                public static float csum(float4 v) => 0;
            }
        }
        """;
}
